# SJF with ties, after preempted requests went back to the ready queue
# (sched-5.3). Isolated times: A 4000, B 1000, C 6000 ns; a checkpoint of B
# bytes costs B/4 ns. Runs are wrapped in timeout so a regression to a
# hang fails instead of blocking the suite.
sjf() {
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --quiet --trace trace.csv "$@" >/dev/null 2>"$DB.err" || { echo "run failed ($?):"; cat "$DB.err"; }
}
# key=total. C1 runs from 0. At 100 A2 (4000 < 6000) preempts it: C1 stops
# at 3000 (end of c1), saves 1000 B = 250 ns; A2 runs from 3250. C3 arrives
# at 200 during the switch. At 3500 B4 (1000 < 4000) preempts A2 at 1000
# (end of a1), save 4000 B = 1000 ns: B4 runs 5250-6250. B5 and B6 (1000
# each) arrive at 5000; equal to the running B4's, they do not preempt.
# 6250: B5 before B6 (same key, same arrival: trace order) 6250-7250, B6
# 7250-8250. A2 (4000) restores 1000 ns, runs its last 3000: 12250. C1 and
# C3 tie at 6000: C1 arrived first; it restores 250 and runs 3000: 15500.
# C3 15500-21500.
sjf --policy sjf --param key=total
tasks
# key=remaining. C1 runs from 0. At 100 A2 (4000 < 5900 left) preempts it:
# C1 stops at 3000, saves 250 ns; A2 runs from 3250. At 3250 C1 has 3000
# left < A2's 4000: A2 is preempted at once, at 0 (a boundary, no state to
# save); C1 restores 250, runs from 3500. At 3500 B4 (1000 < 3000) preempts
# C1 at 3000, a boundary: save 250, B4 3750-4750. At 4750 C1 (3000 left)
# restores 250, runs from 5000. At 5000 B5 and B6 arrive: B5 (trace order
# breaks their tie) preempts C1 at 3000 again: save 250, B5 5250-6250, then
# B6 6250-7250. C1 restores 250 (7250-7500) and runs to 10500: 3
# preemptions, 3 saves and 3 restores of 250. A2 (4000 < 6000) 10500-14500,
# C3 14500-20500.
sjf --policy sjf --param key=remaining
tasks
# The ready list in arrival order at every decision of key=total: the
# running request is never listed, and a preempted one is back in its
# arrival place (1 before 3 at 3250; 2 between 1 and 3 at 5250).
sjf --policy order.lua --log "$DB.log"
sed 's/^\[t=\([0-9]*\)\] /\1: /' "$DB.log"
