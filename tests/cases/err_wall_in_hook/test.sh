# A hook stuck in long C operations (one == on huge strings is a single
# instruction) is stopped by the sandbox's wall-clock backstop, which a
# run's --max-wall shortens: a located policy error, the run stored as
# failed, in about 2 s instead of never.
run_fail --trace trace.csv --policy policy.lua --max-wall 2s
db_state
