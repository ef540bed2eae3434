# FIKIT by hand (policies_lua/fikit.lua) on a one-SM GPU (tiny.dev: every
# kernel is one full wave of 16 blocks on the one SM, so two kernels never
# share it; 1000 ns per 32 KiB tensor moved plus kernel_ns 1000; eager host
# op 10000 ns). Two streams (units), the HP tenant's of higher priority.
# `schedlab predict --per-kernel` agrees with the profile worked out here:
#   HP (hp.csv):  gap 10000, a 3000 (1 in + 1 out), gap 7000, b 7000 (5 in
#                 + 1 out), gap 3000, c 3000: 33000 ns alone. The host
#                 launches at 10000, 20000, 30000; a ends at 13000, b at 27000.
#   LP (lp.csv):  gap 10000, x 5000, gap 5000, y 15000 (13 in + 1 out).
# Gaps need no SMs (host time, rate 1); the profiled gaps are the HP windows.
#
# fikit, idle_threshold_ns = 2000:
#   0      HP#0 placed on unit 1 (watched), in its 10000 gap; LP#1's next
#          segment is its host gap: it runs it (0-10000) and stops there
#          (preemption 1), its kernel x launched.
#   10000  HP enters a (no window).
#   13000  HP enters its 7000 gap: window to 20000. x (5000) fits: LP runs
#          x 13000-18000 (fill 1, 5000 ns), then its gap 18000-23000, and
#          stops before y (preemption 2).
#   20000  HP b 20000-27000.  27000: HP gap of 3000: y (15000) does not fit.
#   30000  HP c 30000-33000: HP#0 done at 33000 = its isolated time.
#   33000  no HP present: after the 2000 idle threshold the LP level runs
#          freely: y 35000-50000 (a kernel is never cut).
#   38000  HP#2 arrives, placed at once: sim.stop(LP) would stop at y's end,
#          its completion: nothing to stop. HP gap 38000-48000; kernel a is
#          ready at 48000 but y holds the one SM until 50000: the overrun
#          delays HP by 2000 (policy.hp_delay_ns, 1 late segment).
#   50000  LP#1 done. HP a 50000-53000, gap 7000, b 60000-67000, gap 3000,
#          c 70000-73000: HP#2 done at 73000 = 38000 + 33000 + 2000.
#   HP gap time run: 2 x 20000 = 40000 (policy.hp_gap_ns); 5000 filled.
#
# strict_prio (no filling), idle_threshold_ns = 2000: LP's host gap 0-10000
# as above (preemption 1); LP waits through HP#0; at 35000 x 35000-40000;
# HP#2 at 38000 stops LP at x's end, 40000 (preemption 2); LP's host gap
# 40000-45000 (preemption 3). HP#2: gap 38000-48000, a 48000-51000 (x ended
# before: no delay), ... c 68000-71000: 71000. Idle threshold again: LP's y
# 73000-88000.
fk_run() {
  "$SCHEDLAB" run --db "$DB" --trace trace.csv --device gpu:tiny.dev --device-param sharing=streams \
    --device-param units=2 --device-param stream_prio=1,0 --param idle_threshold_ns=2000 \
    --quiet "$@" >/dev/null 2>"$tmp/err" || { echo "run failed ($?):"; cat "$tmp/err"; }
}
fk_tasks() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, arrival_ns, start_ns, finish_ns,
    preemptions, unit FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
}
fk_run --policy fikit
fk_tasks
metric all policy.gap_fills policy.filled_ns policy.hp_gap_ns policy.hp_delay_ns policy.hp_delayed
fk_run --policy strict_prio
fk_tasks
metric all policy.gap_fills policy.hp_gap_ns policy.hp_delay_ns
