# A policy that preempts back and forth at one instant is stopped (at 3250
# ns, when A and B have both waited over 3000 ns and each preempts the other
# at a zero-cost boundary) and the run is stored as failed.
run_fail --trace trace.csv --policy policy.lua
db_state
