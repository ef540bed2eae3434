# A syntax error names the script and line; nothing is written.
run_fail --trace trace.csv --policy policy.lua
db_state
