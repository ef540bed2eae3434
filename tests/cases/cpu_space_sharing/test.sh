# Space sharing on the CPU device (issue 14, item 5): two requests on one
# pool of 4 cores (tiny.dev: 8 FLOPs/ns per core, no barrier cost, memory
# and LLC never limit), a core conflict and resizes.
#
# The model by hand (docs/cpu_model.md). Each layer of g.csv is an fc of
# 2 x 8 x 256 x 64 = 262144 FLOPs. Version fast (64 x 64 blocks, 100%):
# ceil(256/64) x ceil(64/64) = 4 work units of 65536 FLOPs, 8192 ns each
# on one core; on k cores ceil(4/k) waves: 8192 ns on 4 cores, 16384 on 2.
# Balanced (32 x 32 blocks, 85%): 16 units of 16384 FLOPs at 6.8 FLOPs/ns:
# on 4 cores 4 waves = ceil(9637.6) = 9638 ns, on 2 cores 8 waves =
# ceil(19275.3) = 19276. Light (16 x 16, 70%): 64 units, on 4 cores 16
# waves of 4096 / 5.6 = ceil(11702.9) = 11703. Fast is the best alone, so
# the isolated latency (4 cores) is 8192 per layer, 24576 per request.
# Memory: 18944 bytes per layer at 1000 B/ns: never the bound; no
# interference (demands ~1 B/ns of 1000; miss_pct = 0).
#
# Run 1, the device's choice of version (fast). A (arrives 0) takes all 4
# cores: rate 1. B arrives at 4096: no core is free (a conflict); A is
# asked to shrink to 2, which applies at its layer boundary, progress 8192
# = t 8192. Then 2 cores are free and B takes them. Both run at 2 cores:
# rate 8192/16384 = 1/2 (exact in Q32). A's last 16384 ns of work take
# 32768: done at 40960. B's progress by then: 32768 / 2 = 16384, a layer
# boundary; A's completion grows B to 4 cores at once: its last 8192 at
# rate 1: done at 49152.
"$SCHEDLAB" run --db "$DB" --device cpu:tiny.dev --trace trace.csv --policy policy.lua \
  --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
#
# Run 2, version 2 (balanced) asked for in dispatch and resize, and
# sim.versions printed (on 4 cores: ns 8192, 9638, 11703; LLC footprint
# min(18944, 4 x 4096 x {200, 100, 50}% / 4) = 8192, 4096, 2048; bandwidth
# 18944 B over each time: 2312500000, 1965553019, 1618730240 B/s).
# Rates are Q32: r4 = floor(2^32 x 8192 / 9638) = 3650588513, r2 =
# floor(2^32 x 8192 / 19276) = 1825294256; an event falls at the first
# whole ns where progress reaches its target: ceil(8192 x 2^32 / r).
#   A: layer 1 on 4 cores ends at ceil(8192 x 2^32 / r4) = 9639 (9638 plus
#      the Q32 floor); it shrinks there; layers 2 and 3 at r2 take
#      ceil(8192 x 2^32 / r2) = 19277 each: 28916, done at 48193.
#   B: placed at 9639 on 2 cores: boundaries at 28916 and 48193; at 48193
#      A completes and B grows to 4 cores on its boundary: its last layer
#      at r4 takes 9639: done at 57832.
"$SCHEDLAB" run --db "$DB" --device cpu:tiny.dev --trace trace.csv --policy policy.lua \
  --param show=true --param version=2 --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
#
# A version the device does not have, and a version on a device without any.
printf 'return { schedule = function(sim) local r = sim.best(); if r then sim.dispatch(r, {version = 4}) end end }\n' >bad_version.lua
"$SCHEDLAB" run --db "$DB" --device cpu:tiny.dev --trace trace.csv --policy bad_version.lua \
  --quiet >/dev/null 2>"$DB.err"; echo "exit $?"; grep -o "version = 4 is outside.*" "$DB.err"
"$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --trace ../sched_np_fcfs/trace.csv \
  --policy bad_version.lua --quiet >/dev/null 2>"$DB.err"; echo "exit $?"
grep -o "has no compiled versions" "$DB.err"
rm -f bad_version.lua
#
# Run 3, block dispatches with want = 4 (policy_want.lua): a core conflict
# and under-allocation. A arrives at 0 and gets all 4 cores (a block
# dispatch, no conflict). B arrives at 4096: no core is free: it waits (its
# block dispatch is a conflict) and A is shrunk to 2 at its boundary, 8192.
# Then B is placed on 2 cores asking for 4: the same block (progress 0), not
# counted again. The schedule is run 1's: A done at 40960, B grown to 4
# there, done at 49152. Block dispatches 2, conflicts 1: conflict rate 0.5.
# Under-allocated (held 2, wanted 4): A from 8192 to 40960 (the shrink keeps
# its want), B from 8192 to 40960 (the grow gives it 4): 2 x 32768 = 65536
# ns; missing cores 2 x 2 x 32768 = 131072 core-ns; VELTAIR's extra-time
# estimate sum dt (want - share) / share = 2 x 32768 x 2 / 2 = 65536 ns.
"$SCHEDLAB" run --db "$DB" --device cpu:tiny.dev --trace trace.csv --policy policy_want.lua \
  --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
metric all block_dispatches conflicts conflict_rate underalloc_ns underalloc_cap_ns underalloc_extra_ns
#
# want on a device without a pool, and a want beyond the pool's capacity.
printf 'return { schedule = function(sim) local r = sim.best(); if r then sim.dispatch(r, {want = 2}) end end }\n' >bad_want.lua
"$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --trace ../sched_np_fcfs/trace.csv \
  --policy bad_want.lua --quiet >/dev/null 2>"$DB.err"; echo "exit $?"
grep -o "want = 2 on an exclusive unit: only a pool is divided into shares" "$DB.err"
printf 'return { schedule = function(sim) local r = sim.best(); if r then sim.dispatch(r, {share = 2, want = 5}) end end }\n' >bad_want.lua
"$SCHEDLAB" run --db "$DB" --device cpu:tiny.dev --trace trace.csv --policy bad_want.lua \
  --quiet >/dev/null 2>"$DB.err"; echo "exit $?"
grep -o "want = 5 is more than the pool has (capacity 4)" "$DB.err"
rm -f bad_want.lua
