# Preempting back and forth with CHECKPOINT: time advances (saves and
# restores cost time) while no request gets further than it had been. The
# engine counts the instants with such a preemption since the last progress
# (a preempted request past its furthest point, or a completion) and stops
# the run after 100000 of them; it is stored as failed.
fail() {
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --policy policy.lua "$@" >/dev/null 2>"$DB.err"
  echo "exit $?"
  head -n 1 "$DB.err"
}
# Two requests. A (a1 1000 ns, 4000 B of state after it) runs from 0. At 100
# B preempts it: A stops at 1000 (progress: its furthest yet), saves 1000 ns;
# B runs from 2000. At 2000 A takes B back at B's 0, a boundary with no state
# (no progress: stall 1 at t=2000); A restores 1000 ns and runs at 3000, is
# preempted at once at 1000 again (stall 2 at 3000; save 1000) ... stall k
# at t = 1000 + 1000k; the 100001st, at 100002000 ns, stops the run.
fail --trace pair.csv
# Three requests (C 0, A 100, B 200). C is preempted by A at 100, stops at
# 3000 (progress) and saves 250 ns; A runs from 3250. From then on the
# first in arrival order, C, and A take turns: A at its 0, C at its 3000
# (save 250, restore 250), one stall every 250 ns from 3250; B never runs.
# Stall k at 3250 + 250(k-1): the 100001st at 25003250 ns.
fail --trace trio.csv
db_state
