# The shipped p_hpf on K = 2 units preempts the worst running request, only
# for a strictly better one: on conc_p_hpf_victim's trace it must give
# exactly the schedule derived there by hand (see that test.sh):
# C 0-7500 on unit 1 (preempted by B5 at 1600), A 0-9000 on unit 2
# (preempted by B9 at 1500), B9 5000-6000 on unit 2, B5 3250-4250 on unit 1.
run_ok --trace trace.csv --policy p_hpf --device-param units=2
ctasks
metric all checkpoints
