# MPS clients with per-request SM shares (docs/gpu_model.md, "Sharing") on
# tiny.dev: 4 SMs, one block per SM, compute-bound kernels, no launch gaps.
# long = one kernel of 8 blocks, each block 4000 ns on its SM: 8000 ns on
# the 4 SMs (2 rounds); short = one kernel of 2 blocks: 4000 ns (1 round).
# A kernel of b blocks on a SMs takes ceil(b / a) rounds instead of
# ceil(b / 4): rate ceil(b / 4) / ceil(b / a) (powers of two here, exact).
# sharing=mps, units=1: one pool of 4 SMs; the trace: A = long at 0
# (priority 1), B = short at 0 (priority 2), C = long at 1000 (priority 2).
mps_run() {
  "$SCHEDLAB" run --db "$DB" --trace trace.csv --device gpu:tiny.dev --device-param sharing=mps \
    --quiet "$@" >/dev/null 2>"$tmp/err" || { echo "run failed ($?):"; cat "$tmp/err"; }
}
mps_fail() {
  "$SCHEDLAB" run --db "$DB" --trace trace.csv --device gpu:tiny.dev --device-param sharing=mps \
    --quiet "$@" >/dev/null 2>"$tmp/err"
  echo "exit $?"
  head -n 1 "$tmp/err"
}
mps_tasks() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, network, arrival_ns, start_ns, finish_ns, unit
    FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
}
mps_shares() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, share, start_ns, end_ns, printf('%.4g', rate)
    FROM intervals WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY start_ns, task_id"
}
# share.lua: each request, in arrival order, becomes a client with
# `priority` SMs once that many are free.
#   0     A takes 1 SM (room 4 -> 3): 8 rounds instead of 2, rate 1/4: its
#         8000 ns end at 32000. B takes 2 SMs (room 3 -> 1): its 2 blocks
#         fit, 1 round as on 4 SMs: rate 1, 0-4000. The shares add up to 3
#         of the 4 SMs: the clients never compete for SMs.
#   1000  C wants 2 SMs, 1 is free: it waits.
#   4000  B ends (room 3); C takes 2 SMs: 4 rounds instead of 2, rate 1/2:
#         4000-20000. A keeps its 1 SM at rate 1/4 and ends at 32000.
echo "-- per-request shares 1, 2, 2:"
mps_run --policy share.lua --record intervals
mps_tasks
mps_shares
# The same policy under a server limit of 1 SM per client (mps_sms=1): a
# client's own share only lowers it (MPS obeys the lower of the two), but
# the pool still reserves what each request asked for.
#   0     A (share 1): rate 1/4, 0-32000. B (share 2, capped at 1): 2
#         rounds instead of 1, rate 1/2: 0-8000. Room 1.
#   1000  C wants 2: waits.   8000: B ends; C (capped at 1): 8 rounds
#         instead of 2, rate 1/4: 8000-40000.
echo "-- the same under mps_sms=1:"
mps_run --policy share.lua --device-param mps_sms=1
mps_tasks
# No share given: each request takes the whole pool (default share = the
# 4 SMs), one at a time as before per-request shares: A 0-8000 at rate 1,
# B 8000-12000, C 12000-20000.
echo "-- np_fcfs, no share: the whole GPU each, one at a time:"
mps_run --policy np_fcfs
mps_tasks
# Default share with the server limit mps_sms=2: A on 2 SMs 0-16000 (rate
# 1/2), B's 2 blocks fit its 2 SMs: 16000-20000, C 20000-36000.
echo "-- np_fcfs, no share, mps_sms=2:"
mps_run --policy np_fcfs --device-param mps_sms=2
mps_tasks
echo "-- a share above the SMs:"
mps_fail --policy share_big.lua
echo "-- a share above what is free (A holds 3 of 4):"
mps_fail --policy share_full.lua
echo "-- resizing a client:"
mps_fail --policy resize.lua
echo "-- a share on a GPU without MPS:"
mps_fail --policy share.lua --device-param sharing=streams --device-param units=2
