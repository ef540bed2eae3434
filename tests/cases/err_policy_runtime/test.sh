# A runtime error names script, line, hook and simulated time; the run is
# stored as failed with that message, and no task or metric rows.
run_fail --trace trace.csv --policy policy.lua
db_state
"$SCHEDLAB" query --csv "$DB" "SELECT substr(error, 1, instr(error, char(10)) - 1) AS first_line FROM runs"
