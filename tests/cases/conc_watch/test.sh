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
# The same policy on one ps unit (sharing=ps, rate 1/n; Q32 rate_q for
# n = 3 is floor(2^32 / 3) = 1431655765 = (2^32 - 1) / 3). A watched
# boundary is an event whose target is the boundary: at the first whole ns
# the progress reaches it, the progress is set to it and the fraction dropped.
#  0-100   A alone: 100.   100-500: A, C at 1/2: A 300, C 200.
#  500     B arrives: n = 3. B's b1 end (500): ceil(1500 + 1500/(2^32 - 1))
#          = 1501 -> 2001; A's a1 end (700 to go): ceil(2100 + ...) = 2101
#          -> 2601; C's c1 end (2800 to go) later.
#  2001    B enters seg 2 (progress set to 500). A, C gained 1501 * 1431655765
#          units = 500.33333322 ns: A 800.33333322, C 700.33333322.
#  2601    A enters seg 2 (set to 1000; unwatched). C 900.33333317; B gained
#          600 * 1431655765 units = 199.99999995: 699.99999995.
#          B's end (300.00000005 to go): ceil(900.0000004) = 901 -> 3502.
#  3502    B done. A 1000 + 300.33333326, C 1200.66666643; n = 2 (rate 1/2).
#          C's c1 end: ceil(2 x 1799.33333357) = 3599 -> 7101; A's end
#          (unwatched now): ceil(2 x 2699.66666674) = 5400 -> 8902.
#  7101    C enters seg 2 (set to 3000). A gained 1799.5: 3099.83333326.
#  8902    A: ceil(2 x 900.16666674) = 1801 after 7101: done. C 3900.5.
#  11002   C alone: ceil(2099.5) = 2100 after 8902: done.
: >"$DB.log"
run_ok --trace trace.csv --policy policy.lua --device-param sharing=ps --log "$DB.log"
ctasks
cat "$DB.log"
