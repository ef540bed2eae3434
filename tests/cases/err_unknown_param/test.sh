# Unknown policy or device params are errors before the run starts.
run_fail --trace trace.csv --policy p_hpf --param quantum=5
run_fail --trace trace.csv --policy np_fcfs --param x=1
run_fail --trace trace.csv --policy np_fcfs --device-param bandwith_gbps=1
db_state
