# Processor sharing (sharing=ps, one unit): np_fcfs, unchanged, places every
# ready request on the ps unit at once; n holders progress at rate 1/n each.
# Rates are Q32: rate_q = floor(2^32 / n): n = 1: 2^32, n = 2: 2^31, n = 3:
# 1431655765 (= (2^32 - 1) / 3, just below 1/3). Progress is kept in units
# of 2^-32 ns; a request's event is at the first whole ns where its progress
# reaches its target: dt = ceil((target * 2^32 - progress) / rate_q); there
# its progress is set to the target and the fraction dropped.
#  0     C (6000) and A (4000) share at 1/2.
#  600   both at exactly 300. B (1000) arrives: n = 3.
#        B: ceil(1000 * 2^32 / 1431655765) = ceil(3000 + 3000/(2^32 - 1))
#        = 3001 (not 3000: the 1/3 rate is rounded down) -> B done 3601.
#        (A would need ceil(11100 + ...) = 11101: later.)
#  3601  A and C each gained 3001 * 1431655765 units = 1000.33333310 ns:
#        both at 1300.33333310. n = 2 (rate 2^31):
#        A: ceil(2 * (4000 - 1300.33333310)) = ceil(5399.3333338) = 5400
#        -> A done 9001; C gains exactly 2700 -> 4000.33333310.
#  9001  C alone at rate 1: would finish at ceil(1999.6666669) = 2000 later
#        (11001), but at 9500 it is at 4499.33333310 when B arrives: n = 2.
#  9500  B: 1000 / (1/2) = 2000 exactly -> 11500. C: ceil(2 * 1500.6666669)
#        = 3002 -> later; C gains 1000 -> 5499.33333310.
#  11500 C alone: ceil(500.6666669) = 501 -> C done 12001.
# Work is 12000 ns in all; the two dropped fractions (B's 0.333 ns at 3601,
# C's at 12001) make the makespan 12001.
#   mean_concurrency = (2x600 + 3x3001 + 2x5400 + 1x499 + 2x2000 + 1x501)
#                      / 12001 = 26003 / 12001 = 2.16673611
#   utilization: the unit always had a progressing holder: 1.
run_ok --trace trace.csv --policy np_fcfs --device-param sharing=ps
ctasks
metric all makespan_ns mean_concurrency utilization
