-- token — PREMA's token filter, then first-come first-served among the candidates.
--
-- TOKEN is PREMA without run-time prediction in the selection (Choi & Rhu,
-- HPCA 2020; docs/prema.md §7): tokens and the threshold work exactly as in
-- policies_lua/prema.lua, but among the candidates the earliest arrival runs.
-- With no prediction to compare, Algorithm 3 is not used: preemption is by
-- CHECKPOINT (param preempt). Every other param of prema applies, and so
-- does its definition on K NPUs (prema.lua's header).

local P = require("prema")
P.params.select = "earliest"
P.params.preempt = "checkpoint"
return P
