# Hook order at one instant (api-1): completions, then arrivals in trace
# order, then a single schedule call. schedule is not called while the
# device is busy with nothing ready, nor after the last completion.
run_ok --trace trace.csv --policy policy.lua --log "$DB.log"
cat "$DB.log"
