# Holders that do not progress still count as co-runners: a request placed
# by a preemption holds its unit from that moment (starting), the victim
# holds it while it runs on and saves (stopping), a resumed request while it
# restores. 2 exclusive units, slowdown=1: rate = 1 / N, N the holders of
# the device; Q32: N = 2: 2^31 (exact), N = 3: floor(2^32 / 3) = 1431655765.
# The policy is conc_p_hpf_victim's (the worst-priority holder is the victim).
#  0     A (prio 1) -> unit 1, alone: rate 1. At 100 A is at 100.
#  100   C (prio 2) -> unit 2; N = 2: A and C at 1/2.
#  200   A 150, C 50. B9 preempts the worst holder, A on unit 1; B holds
#        unit 1 from now (starting): N = 3, A and C at 1/3. A runs on to
#        its a1 boundary (850 to go): ceil(850 * 2^32 / 1431655765) =
#        ceil(2550.0000006) = 2551 -> 2751. C gains 2551 * 1431655765 units
#        = 850.33333314: C 900.33333314.
#  2751  A saves 4000 B at 4 GB/s = 1000 ns; it still holds unit 1: N = 3.
#        C gains 1000 * 1431655765 units = 333.33333326: 1233.66666639.
#  3751  A leaves (ready; prio 1 is worse than both holders: it waits). B
#        (no restore) runs; N = 2: B 1000 at 1/2 -> done 5751. C + 1000.
#  5751  A -> unit 1, restores 1000 ns (5751-6751): holds, does not
#        progress; N = 2: C still at 1/2: C + 500 = 2733.66666639.
#  6751  A runs its last 3000 at 1/2: 6000 -> done 12751 (C, 3266.33 to go,
#        needs ceil(6532.67) = 6533: later). C + 3000 = 5733.66666639.
#  12751 C alone, rate 1: ceil(266.33333361) = 267 -> done 13018.
# A: 1 preemption, overhead 1000 save + 1000 restore, unit 1, no migration.
run_ok --trace trace.csv --policy ../conc_p_hpf_victim/policy.lua --device-param units=2 --device-param slowdown=1
ctasks
