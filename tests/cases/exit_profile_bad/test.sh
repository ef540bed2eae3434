# Bad chunk and exit columns in a profile table: each run fails before it
# starts (exit 1, nothing stored) with a message naming file, line and column.
bad() {
  printf '%s\n' "$@" > "$DB.csv"
  "$SCHEDLAB" run --db "$DB" --device "profile:$DB.csv" --trace trace.csv --policy np_fcfs \
    --quiet >/dev/null 2>"$DB.err"
  echo "exit $?"
  sed "s|$DB|TMP|g" "$DB.err" | head -n 1
}
H=network,batch,layer,latency_ns,state_bytes,chunk_end,exit_ns,exit_acc
# chunk_end is 0 or 1.
bad $H N,1,n1,100,0,2,, N,1,n2,100,0,1,10,0.9
# An accuracy is in (0, 1]: 0 and 1.5 are not; nor is text.
bad $H N,1,n1,100,0,1,10,0 N,1,n2,100,0,1,10,0.9
bad $H N,1,n1,100,0,1,10,1.5 N,1,n2,100,0,1,10,0.9
bad $H N,1,n1,100,0,1,10,high N,1,n2,100,0,1,10,0.9
# An exit needs both its latency and its accuracy.
bad $H N,1,n1,100,0,1,10, N,1,n2,100,0,1,10,0.9
bad $H N,1,n1,100,0,1,,0.5 N,1,n2,100,0,1,10,0.9
bad network,batch,layer,latency_ns,state_bytes,exit_ns N,1,n1,100,0,10
# exit_ns is a whole number of ns >= 0.
bad $H N,1,n1,100,0,1,-5,0.5 N,1,n2,100,0,1,10,0.9
# Exits after some layer: the last layer carries the top exit.
bad $H N,1,n1,100,0,1,10,0.5 N,1,n2,100,0,1,,
# The same table with the top exit in place runs.
bad $H N,1,n1,100,0,1,10,0.5 N,1,n2,100,0,1,20,0.9
db_state
