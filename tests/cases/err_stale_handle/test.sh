# Dispatching a request that is not ready: a completed one (stale handle),
# and the one that is running while the policy asks for a switch to it.
run_fail --trace trace.csv --policy policy.lua
