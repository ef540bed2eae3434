# Bad profile tables: file, line and column; bad device specs.
for table in 'network,batch,layer,latency_ns,state_bytes\nA,1,a1,100,0\nA,x,a2,100,0' \
             'network,batch,layer,latency_ns,state_bytes\nA,1,a1,-5,0' \
             'network,batch,layer,latency_ns\nA,1,a1,5' \
             'network,batch,layer,latency_ns,state_bytes,extra\nA,1,a1,5,0,1' \
             'network,batch,layer,latency_ns,state_bytes\nA,1,,5,0'; do
  printf "$table\n" > "$DB.prof"
  "$SCHEDLAB" run --db "$DB" --device "profile:$DB.prof" --trace trace.csv --policy np_fcfs \
    2>&1 >/dev/null | sed "s|$DB.prof|TABLE|g"
done
"$SCHEDLAB" run --db "$DB" --device "profile:$DB.none" --trace trace.csv --policy np_fcfs \
  2>&1 >/dev/null | sed "s|$DB.none|NOFILE|g"
"$SCHEDLAB" run --db "$DB" --device "tpu-x" --trace trace.csv --policy np_fcfs 2>&1
run_fail --trace trace.csv --policy np_fcfs --device-param bandwidth_gbps=-1
db_state
