# PREMA's tokens and threshold, worked by hand (prema-1). Incremental tokens:
# token = p * (1 + W / T^); T^: C 6000, A 4000, B 1000 ns; levels 1, 3, 9.
#  t=0     C: 1*(1+0) = 1, A: 3 -> max 3, threshold 3: only A qualifies.
#  t=1000  B arrives: B 9, C 1*(1+1000/6000) = 1.1667, running A 3 -> threshold 9:
#          B. Algorithm 3: slowdown of A if switched = rem(B)/T^(A) = 1000/4000 =
#          0.25, of B if A drains = rem(A)/T^(B) = 3000/1000 = 3 -> checkpoint.
#          A sits on its a1 boundary (1000): saves 4000 B = 1000 ns; B runs 2000.
#  t=2000  switch done: C 1*(1+2000/6000) = 1.3333, A back in the queue at 2000
#          (waited 0): 3; B 9 runs and stays.
#  t=3000  B done: C 1.5, A 3*(1+1000/4000) = 3.75 -> threshold 3: A; it
#          restores 1000 ns and runs 4000-7000.
#  t=4000  switch done: C 1.6667 < 3: A stays.
#  t=7000  C 1*(1+7000/6000) = 2.1667 -> threshold 1: C runs 7000-13000.
# The quantum (1 s) never ticks before the end.
run_ok --trace trace.csv --policy policy.lua --param quantum=1s --log "$DB.log"
sed 's/\t/ /g' "$DB.log"
tasks
