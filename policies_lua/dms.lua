-- dms — deadline-monotonic scheduling of real-time DNN tasks (Pantheon's DMS
-- baseline): rms.lua with static priorities by relative deadline, shorter
-- first (paper); ties: the shorter full-model latency, then the task name
-- (proposed). Dispatch as rms.lua: non-preemptive at model granularity with
-- the top exit and drop_late by default, rt_preempt = chunk to preempt at
-- chunk boundaries; params as rms.lua.

local P = require("rms")
P.params.order = "deadline"
return P
