# Every bad placement fails the run with a policy error naming the script
# and line (exit 1, the run stored as failed), never a silent fallback.
# Trace: A, C at 0, B at 500.
echo "-- table form to a busy exclusive unit without mech (units=2; B at 500 -> unit 1):"
run_fail --trace trace.csv --policy busy.lua --device-param units=2
echo "-- share on an exclusive unit:"
run_fail --trace trace.csv --policy share_exclusive.lua
echo "-- share on a ps unit:"
run_fail --trace trace.csv --policy share_ps.lua --device-param sharing=ps
echo "-- share 5 on a pool of 4:"
run_fail --trace trace.csv --policy share_capacity.lua --device-param capacity=4
echo "-- share 2 with 1 free on a pool of 4 (A holds 3):"
run_fail --trace trace.csv --policy share_free.lua --device-param capacity=4
echo "-- the same, naming unit 1:"
run_fail --trace trace.csv --policy share_free_unit.lua --device-param capacity=4
echo "-- resize of a ready request (pool of 4):"
run_fail --trace trace.csv --policy resize_ready.lua --device-param capacity=4
echo "-- resize of an exclusive unit's holder:"
run_fail --trace trace.csv --policy resize_exclusive.lua
echo "-- unit 3 on a device of 2:"
run_fail --trace trace.csv --policy unit_unknown.lua --device-param units=2
echo "-- unit 0:"
run_fail --trace trace.csv --policy unit_zero.lua --device-param units=2
echo "-- victim not on the named unit (units=2, at 500):"
run_fail --trace trace.csv --policy victim_elsewhere.lua --device-param units=2
echo "-- sim.running() without a unit on K = 2:"
run_fail --trace trace.csv --policy running_units.lua --device-param units=2
echo "-- sim.running() without a unit on a ps unit:"
run_fail --trace trace.csv --policy running_ps.lua --device-param sharing=ps
db_state
