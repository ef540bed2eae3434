run_fail --trace trace.csv --policy np_fcfs
printf 'arrival_ns,network,batch\n0,A,3\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
db_state
