# The watch hook on K = 2 exclusive units (policy.lua: FCFS that watches
# every request it places, logs on_segment(req, seg) with req.segment,
# req.executed and req.unit, and cancels A's watch at A's first boundary).
# on_segment fires when a watched request enters segment seg (1-based), not
# at its start or completion. Layers: A 1000/2000/1000, C 3000/3000, B 500/500.
#  0     A -> unit 1, 0-4000: enters a2 at 1000 (logged, then unwatched);
#        enters a3 at 3000: not logged (watch cancelled).
#  100   C -> unit 2, 100-6100: enters c2 at 100 + 3000 = 3100 (logged).
#  500   B waits; at 4000 A leaves unit 1: B 4000-5000, enters b2 at 4500.
run_ok --trace trace.csv --policy policy.lua --device-param units=2 --log "$DB.log"
ctasks
cat "$DB.log"
