# A malformed line stops the run: FILE:LINE: column, exit 1, no database.
run_fail --trace trace.csv --policy np_fcfs
db_state
