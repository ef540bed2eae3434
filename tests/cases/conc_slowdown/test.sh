# Linear interference on K = 2 exclusive units (slowdown=0.5): every holder
# runs at rate 1 / (1 + 0.5 (N - 1)), N the holders of the whole device.
# N = 1: rate 1; N = 2: rate 2/3, rate_q = floor(2^33 / 3) = 2863311530
# (2^33/3 = 2863311530.67: rounded down). Progress in units of 2^-32 ns;
# an event at dt = ceil((target * 2^32 - progress) / rate_q); np_fcfs.
#  0     A (4000) alone on unit 1, rate 1.
#  1000  A at 1000. B (1000) -> unit 2; N = 2, both at 2/3.
#        B: ceil(1000 * 2^32 / 2863311530) = ceil(1500.00000035) = 1501
#        -> B done 2501. A gains 1501 * 2863311530 units = 1000.66666643 ns
#        -> 2000.66666643.
#  2501  A alone, rate 1; at 3000 it is at 2499.66666643. C (6000) -> unit 2
#        (free since 2501); N = 2.
#  3000  A: ceil(1500.33333357 * 2^32 / 2863311530) = ceil(2250.5000009)
#        = 2251 -> A done 5251. C (ceil(9000.000002) = 9001 to its end)
#        gains 2251 * 2863311530 units = 1500.66666632 ns.
#  5251  C alone, rate 1: ceil(6000 - 1500.66666632) = ceil(4499.33333368)
#        = 4500 -> C done 9751.
#   utilization unit:1 = 5251 / 9751 = 0.538508871;
#   unit:2 = (1501 + 6751) / 9751 = 0.846272177; all = their mean 0.692390524
#   mean_concurrency = (1000 + 2x1501 + 499 + 2x2251 + 4500) / 9751
#                    = 13503 / 9751 = 1.38478105
# With slowdown=0 (the default) rates stay 1: A 0-4000, B 1000-2000 (unit
# 2), C 3000-9000 (unit 2).
run_ok --trace trace.csv --policy np_fcfs --device-param units=2 --device-param slowdown=0.5
ctasks
metric unit:1 utilization
metric unit:2 utilization
metric all utilization mean_concurrency
run_ok --trace trace.csv --policy np_fcfs --device-param units=2
ctasks
