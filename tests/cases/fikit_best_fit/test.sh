# FIKIT's fit rule by hand: best fit (the longest LP kernel that fits the
# gap) against first fit (the first LP task, by level then unit, whose
# kernel fits). The one-SM GPU and the networks of fikit_gap_fill (see its
# derivation): HP = gap 10000, a 3000, gap 7000, b 7000, gap 3000, c 3000;
# LP1 = gap 10000, x 5000, gap 5000, y 15000; LP2 (lp2.csv) = gap 10000,
# z 6000. The HP task runs two requests back to back (both arrive at 0);
# three streams, HP's of higher priority; idle_threshold_ns = 0.
# Both: at 0 the LP tasks run their first host gaps (to 10000) and wait
# with x and z launched; HP#0 a 10000-13000, then its 7000 gap: window
# 13000-20000.
# best:  z (6000) is the longest that fits: 13000-19000, LP2 done at 19000
#        (its last kernel). Timer at 19000: 1000 left, x (5000) does not fit.
#        Gap 27000-30000: x does not fit. HP#0 done 33000; HP#1 placed at
#        once, in its 10000 gap: window to 43000: x 33000-38000, then its
#        gap to 43000 (LP1 stopped, 2nd time); at 38000 5000 are left: y
#        (15000) never fits. HP#1 done 66000; LP1 then alone: y 66000-81000.
# first: LP1 (unit 2) comes first: x 13000-18000, gap to 23000. At 18000
#        2000 left: z does not fit; nor in the 3000 gap. HP#1's window
#        33000-43000: y does not fit, z does: 33000-39000, LP2 done at
#        39000. LP1's y 66000-81000 as before.
# HP: 33000 and 66000 both times (every fill ends inside its gap: no delay).
# Fills: 2 of 11000 ns both times; HP gap time 2 x 20000.
fk_run() {
  "$SCHEDLAB" run --db "$DB" --trace trace.csv --device gpu:../fikit_gap_fill/tiny.dev \
    --device-param sharing=streams --device-param units=3 --device-param stream_prio=1,0,0 \
    --policy fikit --param idle_threshold_ns=0 --quiet "$@" >/dev/null 2>"$tmp/err" ||
    { echo "run failed ($?):"; cat "$tmp/err"; }
}
fk_tasks() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, start_ns, finish_ns, preemptions, unit
    FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
}
for fit in best first; do
  echo "fit=$fit"
  fk_run --param fit=$fit
  fk_tasks
  metric all policy.gap_fills policy.filled_ns policy.hp_gap_ns policy.hp_delay_ns
done
