-- pantheon_wo_ee — Pantheon without exit switching (the paper's ablation
-- "Pantheon-w/o-ee"): pantheon.lua where a job's exit may change only before
-- its first chunk runs (exit_switch = before_start). EDF, chunk preemption,
-- drop_late and best effort as pantheon.lua; its params apply.

local P = require("pantheon")
P.params.exit_switch = "before_start"
return P
