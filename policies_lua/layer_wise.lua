-- layer_wise — layer-granularity core allocation on a pool of cores
-- (VELTAIR's layer-wise baseline, ASPLOS 2022; issue 14). Paper: every layer
-- gets its own best core count; efficient, but the cores asked for are often
-- not free (many conflicts). Here (cpu_alloc.lua has the rule): at every
-- layer boundary the request asks for the fewest cores that run the layer
-- within its share of alpha x QoS (the share: the layer's latency on all
-- cores over the model's), and takes min(that, its cores + the free ones).
-- First come, first served; at most `workers` at once; the device's
-- versions. Params: as cpu_alloc.lua.
return require("cpu_alloc").policy{granularity = "layer"}
