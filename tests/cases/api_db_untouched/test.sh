# Bad input leaves an existing database exactly as it was (api-3).
run_ok --trace trace.csv --policy np_fcfs
before=$(sqlite3 "$DB" .dump | md5sum)
printf 'arrival_ns,network\n0,A\n5,nope\n' > "$DB.csv"
run_fail --trace "$DB.csv" --policy np_fcfs | head -n 1
run_fail --trace trace.csv --policy np_fcfs --param nope=1 | head -n 1
run_fail --trace trace.csv --policy "$DB.missing.lua" | head -n 1
after=$(sqlite3 "$DB" .dump | md5sum)
[ "$before" = "$after" ] && echo "database unchanged" || echo "database CHANGED"
"$SCHEDLAB" query --csv "$DB" "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM tasks)" | tail -n 1
