# Chunk rounding of a checkpoint on the NPU (papers/pantheon.md §4), on the
# network and device of npu_preempt (tiny.dev: 1 cycle = 1 ns; A = a1 40 ns
# + a2 80 ns; B = 22 ns). A (priority 1) arrives at 0, B (priority 9) at 12;
# P-HPF preempts A with a CHECKPOINT.
#
# `# chunk after=a1`: at 12 A is in a1. The tile stop point would be 15
# (npu_preempt), but a chunk ends only at the end of a1, 40: the checkpoint
# runs on to 40. There A saves a2's 120-byte input: 60 + 10 = 70 ns, as at
# layer granularity in npu_preempt (sim.cost: latency 28 + 70 = 98, save 70,
# restore 70; a kill stops at once, at the next tile, 15; a drain waits
# 108). A saves 40-110; B runs 110-132; A restores 132-202 and runs a2
# 202-282: 1 preemption, overhead 140.
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace trace1.csv --policy policy.lua \
  --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
#
# `# chunk after=a2`: the only chunk end is A's end, 120, so the checkpoint
# cannot stop A before it completes: the decision drains. A runs 0-120; B
# runs 120-142. No preemption.
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace trace2.csv --policy policy.lua \
  --log "$DB.log" --quiet >/dev/null
tasks
metric all checkpoints drains
#
# A `# chunk` line naming no layer of the table is an error naming the line.
printf '# chunk after=a9\nname,type,in_c,out_c,seq\na1,fc,4,4,30\n' > "$DB.bad.csv"
printf 'arrival_ns,network,priority\n0,%s,1\n' "$DB.bad.csv" > "$DB.trace.csv"
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace "$DB.trace.csv" --policy np_fcfs \
  --quiet >/dev/null 2>"$DB.err"
echo "exit $?"
sed "s|$DB|TMP|g" "$DB.err" | head -n 1
printf '# chunk before=a1\nname,type,in_c,out_c,seq\na1,fc,4,4,30\n' > "$DB.bad.csv"
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace "$DB.trace.csv" --policy np_fcfs \
  --quiet >/dev/null 2>"$DB.err"
echo "exit $?"
sed "s|$DB|TMP|g" "$DB.err" | head -n 1
