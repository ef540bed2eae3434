-- model_fcfs — model-granularity first-come first-served on a pool of cores
-- (VELTAIR's baseline "model-wise FCFS used in prior work", ASPLOS 2022;
-- issue 14). Paper: each query gets one core allocation for its whole run.
-- Here (cpu_alloc.lua has the rule): the request at the head of the queue
-- asks for the fewest cores (in core units) whose profiled latency of the
-- whole model fits alpha x its QoS, gets what is free (`conflict`), and
-- keeps it to the end; at most `workers` run at once. Versions: the
-- device's, the fastest alone. Params: as cpu_alloc.lua.
return require("cpu_alloc").policy{granularity = "model"}
