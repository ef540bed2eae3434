-- pantheon_wo_ee_pr — Pantheon without exit switching and without chunk
-- preemption (the paper's "Pantheon-w/o-ee-pr"): EDF order, the exit chosen
-- by the SCHEDULE pass before a job starts (exit_switch = before_start), and a
-- started RT job runs to its exit without interruption (preempt = none;
-- reading proposed). A job late when it would start is dropped. Best effort
-- is still preempted by RT jobs (the GPU's stream priority). pantheon.lua's
-- params apply.

local P = require("pantheon")
P.params.exit_switch = "before_start"
P.params.preempt = "none"
return P
