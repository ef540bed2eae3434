# Two identical requests that progress together complete at the same ns:
# both leave at that instant, whatever order the engine handles them in.
# B is 1000 ns (two layers of 500).
#  ps (one unit, rate 1/2 = 2^31 exactly): 1000 / (1/2) = 2000: both done 2000.
#  2 exclusive units, slowdown=0.5: rate 2/3, rate_q = floor(2^33/3) =
#    2863311530: ceil(1000 * 2^32 / 2863311530) = ceil(1500.00000035) = 1501:
#    both done 1501, B@0 (first in the trace) on unit 1, the other on unit 2.
#  a pool of 2 (capacity=2), share 1 each (policy.lua): rate 1/2: both done 2000.
run_ok --trace trace.csv --policy np_fcfs --device-param sharing=ps
ctasks
run_ok --trace trace.csv --policy np_fcfs --device-param units=2 --device-param slowdown=0.5
ctasks
run_ok --trace trace.csv --policy policy.lua --device-param capacity=2
ctasks
