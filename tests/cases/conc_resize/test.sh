# A resize in the middle of a segment, on a pool (capacity=3: rate =
# share / 3). policy.lua gives every request share 1 while there is room and
# grows A to 2 when B arrives. Growing reserves the extra capacity at once;
# the new share applies at A's next preemption point (its next layer
# boundary). Q32 rates: share 1: floor(2^32 / 3) = 1431655765; share 2:
# floor(2^33 / 3) = 2863311530; dt = ceil((target * 2^32 - progress) / rate_q).
#  0     A (layers 1000, 2000, 1000) share 1, rate 1/3.
#  1500  B arrives. A is at 1500 * 1431655765 units = 499.99999988 ns, in a1.
#        sim.resize(A, 2): room drops to 3 - 2 = 1 at once (logged); B gets
#        share 1 (room 0). B (1000): ceil(1000 * 2^32 / 1431655765) = 3001
#        -> B done 4501.
#        A keeps share 1 up to its a1 boundary at progress 1000:
#        ceil((1000 * 2^32 - 2147483647500) / 1431655765) = 1501 -> t = 3001.
#  2000  C arrives: room 0 (A's growth is reserved): it waits.
#  3001  A at exactly 1000, now share 2, rate 2/3: its last 3000 take
#        ceil(3000 * 2^32 / 2863311530) = ceil(4500.000001) = 4501 -> done 7502.
#        (Had the share applied at once, at 1500: A done 6751.)
#  4501  B leaves: room 1: C gets share 1, rate 1/3: ceil(6000 * 2^32 /
#        1431655765) = ceil(18000.000004) = 18001 -> C done 22502.
# Pool rates do not depend on the co-runners: nobody else's rate changes.
# Intervals (--record intervals): one row per stretch at one share and rate:
#   A 0-3001 share 1; B 1500-4501 share 1; A 3001-7502 share 2;
#   C 4501-22502 share 1 (rates 1/3 and 2/3 as stored: 0.333333, 0.666667).
# utilization, the capacity-weighted time over the makespan:
#   (3001 x 1 + 3001 x 1 + 4501 x 2 + 18001 x 1) / 3 = 33005 / 3 ns over
#   22502 = 0.488919503; mean_concurrency (holders, all progressing):
#   (7502 + 3001 + 18001) / 22502 = 28504 / 22502 = 1.26673185
run_ok --trace trace.csv --policy policy.lua --device-param capacity=3 --record intervals \
  --log "$DB.log"
ctasks
metric all utilization mean_concurrency
sed 's/^/log: /' "$DB.log"
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, unit, start_ns, end_ns, printf('%g', share) AS share,
  printf('%.6f', rate) AS rate
  FROM intervals WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY start_ns, task_id"
