# Timers that would stop time or overflow it fail the run, located.
# fail [--trace FILE] ARGS...: the trace defaults to one.csv.
fail() {
  trace=one.csv
  if [ "$1" = --trace ]; then trace=$2; shift 2; fi
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --trace "$trace" "$@" >/dev/null 2>"$DB.err"
  echo "exit $?"
  head -n 1 "$DB.err"
}
# on_timer arms the next timer with zero delay, forever, at t=10: events #1
# (B's arrival) and #2 (the timer at 10) are followed by the chain; the
# hook of event #1000002 arms the 1000001st zero-delay timer at t=10.
fail --policy chain.lua
# schedule arms sim.timer(0) and dispatches nothing: each timer brings a
# new decision at t=0, the 100001st stops the run.
fail --policy again.lua
# Delays out of range at the first decision, t=7 ns: refused with the
# position of the sim.timer call. math.maxinteger - 7 ends exactly at the
# last representable ns (the run completes; the timer never fires);
# math.maxinteger from t=7 would overflow.
for d in neg nan inf ninf frac big edge max; do fail --trace late.csv --policy delay.lua --param "d=$d"; done
# on_timer at t=10 re-arms with math.maxinteger: 10 + that overflows.
fail --policy rearm.lua
# Metric rows: the one successful run's 104 (its rows include
# mean_concurrency, class all, which every run that executed anything has).
db_state
