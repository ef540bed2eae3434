# Pending timers live outside the Lua heap but count against the policy's
# memory ceiling (256 MiB, 128 bytes a timer): a flood is refused at the
# sim.timer call that would pass it, and the run is stored as failed. How
# many fit depends on what the Lua heap holds, so the count is masked.
timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
  --trace late.csv --policy flood.lua >/dev/null 2>"$DB.err"
echo "exit $?"
head -n 1 "$DB.err" | sed 's/sim.timer: [0-9]* pending/sim.timer: N pending/'
# ... and it must be close to 256 MiB / 128 B = 2097152 (the Lua heap takes
# the rest): at least 1.9 million.
n=$(sed -n 's/.*sim.timer: \([0-9]*\) pending.*/\1/p' "$DB.err")
[ "${n:-0}" -ge 1900000 ] && [ "$n" -lt 2097152 ] && echo "refused between 1.9M and 2097152 timers" \
  || echo "refused at $n timers"
db_state
# Timers are found by id: cancelling millions in any order stays correct.
timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
  --trace one.csv --policy cancel.lua --log - --quiet 2>&1 >/dev/null | sed 's/^\[t=[0-9]*\] //'
# Metric rows: the successful run's 104 (its rows include mean_concurrency,
# class all, which every run that executed anything has).
db_state
