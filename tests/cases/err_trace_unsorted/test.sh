run_fail --trace trace.csv --policy np_fcfs
db_state
printf 'arrival_ns,network,prio\n0,A,1\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
printf 'arrival_ns,network,batch\n0,A,0\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
printf 'arrival_ns,network,deadline_ms\n5000000,A,4\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
printf 'network,batch\nA,1\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
printf 'arrival_ns,network\n0,A\n1,A,2\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | sed "s|$DB.csv|TRACE|"
