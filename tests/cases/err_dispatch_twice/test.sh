run_fail --trace trace.csv --policy policy.lua
