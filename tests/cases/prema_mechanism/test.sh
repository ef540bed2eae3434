# Algorithm 3 both ways (prema-2). T^: A 4000, B 1000, C 6000 ns.
# drain.csv: A (prio 1) runs; C (prio 9) arrives at 2800, A in a2 with 1200
#   left. Switching costs A rem(C)/T^(A) = 6000/4000 = 1.5; draining costs C
#   rem(A)/T^(C) = 1200/6000 = 0.2 -> DRAIN: A 0-4000, C 4000-10000.
#   PREMA-static checkpoints instead: A runs to its a2 boundary (3000), saves
#   8000 B = 2000 ns; C 5000-11000; A restores 2000 ns, finishes at 14000.
#   mech_rule=progress drains iff rem(A)/T^(A) = 0.3 > rem(C)/T^(C) = 1: no,
#   so it checkpoints, as static does.
# switch.csv: C (prio 1) runs; B (prio 9) at 1000, C has 5000 left: switching
#   costs C 1000/6000 = 0.17, draining costs B 5000/1000 = 5 -> CHECKPOINT: C
#   stops at 3000, saves 1000 B = 250 ns; B 3250-4250; C restores 250, 4500-7500.
for args in "--trace drain.csv" "--trace drain.csv --param preempt=checkpoint" \
            "--trace drain.csv --param mech_rule=progress" "--trace switch.csv"; do
  run_ok $args --policy prema --param quantum=1s
  tasks | tail -n +2
  metric all drains checkpoints
done
