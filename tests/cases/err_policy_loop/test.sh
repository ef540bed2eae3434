# An endless loop is stopped by the instruction budget, even inside pcall.
run_fail --trace trace.csv --policy policy.lua
db_state
