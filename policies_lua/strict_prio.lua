-- strict_prio — priority streams without gap filling (FIKIT's baseline).
--
-- Proposed (docs/fikit.md): the tenants of the highest priority
-- level present run on their own units (streams), and a lower level runs
-- only when no request of a higher level is present (no HP task active),
-- never inside an HP task's gaps. A higher-level arrival stops every
-- lower-level request at its next kernel boundary (kernels are not cut).
--
-- It is fikit.lua with filling off: the same tenants, units, levels,
-- profiling and counters (policy.hp_gap_ns, hp_delay_ns, hp_delayed; no
-- fills; fikit's fit, margin and window knobs do not apply). Param: idle_threshold_ns (0): how long the highest level must be
-- absent before the next one runs.

local P = require("fikit")
P.fill = false
P.params = { idle_threshold_ns = 0 }
return P
