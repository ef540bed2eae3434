-- block_fixed — fixed layer blocks on a pool of cores: the rule of VELTAIR's
-- prototype (SUB_MODEL_SIZE = 20 layers per block, ALPHA = 1; veltair.md §3;
-- issue 14). Each block of `block_size` consecutive layers asks, when it
-- starts, for the fewest cores that run the block within its share of alpha
-- x QoS, and takes min(that, its cores + the free ones). First come, first
-- served; at most `workers` at once; the device's versions (the prototype's
-- conflict handling and progress correction are off, as there). Params: as
-- cpu_alloc.lua.
return require("cpu_alloc").policy{granularity = "block"}
