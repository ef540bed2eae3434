# A policy that leaves work queued forever is stopped with a clear message.
run_fail --trace trace.csv --policy policy.lua
