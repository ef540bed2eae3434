run_fail --trace trace.csv --policy p_fcfs --param quantum=fast
run_fail --trace trace.csv --policy sjf --param preemptive=maybe
run_fail --trace trace.csv --policy sjf --param key=longest
db_state
