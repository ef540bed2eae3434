# The Lua memory ceiling stops a policy that hoards memory.
run_fail --trace trace.csv --policy policy.lua
