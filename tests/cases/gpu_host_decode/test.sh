# host=shared with an eager LLM decode (docs/gpu_model.md, "Launch modes
# and gaps" and "Sharing"): a request's host counts as launching up to its
# last launch, which the decode steps' syncs put later than the sum of its
# host costs. On ../../gpu_share/tiny.dev (4 SMs, one block per SM,
# compute-bound kernels, launch_ns = 0) with launch=eager, host_op_ns =
# H = 1000 and gil_frac = g = 1: two launching hosts progress at
# 1 / (1 + g) = 1/2 each; kernels of 2 blocks never contend for SMs here
# (2 + 2 of the 4).
#
# A = dec.csv[prompt=1;gen=2] (low priority, unit 2): a prefill and two
# decode steps, one kernel of 2 blocks each (4000 ns, as short.csv). The
# host spends H on each launch; a step's kernel is a sync: its host waits
# for the previous kernel's end. Alone:
#   gap0 0-1000 (launched at 1000), k0 1000-5000,
#   gap1 5000-6000 (the host waits for k0's end, launches at 6000), k1 6000-10000,
#   gap2 10000-11000 (launched at 11000), k2 11000-15000.
# Its host's last launch is at progress 11000: before the fix it counted
# as launching only to the sum of its host costs, 3 H = 3000.
# B = short.csv (high priority, unit 1): a gap of H, then 4000 ns.
run_dec() {
  printf 'arrival_ns,network,batch,priority\n0,dec.csv[prompt=1;gen=2],1,0\n%s,../../gpu_share/short.csv,1,1\n' \
    "$1" >trace.csv
  "$SCHEDLAB" run --db "$DB" --trace trace.csv --policy "$home/experiments/gpu_sharing/tenant_streams.lua" \
    --device gpu:../../gpu_share/tiny.dev --device-param units=2 --device-param sharing=streams \
    --device-param stream_prio=1,0 --device-param launch=eager --device-param host=shared \
    --device-param gil_frac=1 --quiet >/dev/null 2>"$tmp/err" || { echo "run failed ($?):"; cat "$tmp/err"; }
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, arrival_ns, start_ns, finish_ns FROM tasks
    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
  rm -f trace.csv
}
# B arrives at 6000. A runs alone (rate 1) to 6000, where it is in k1,
# its host waiting for k1 to launch step 2 (progress 6000 < 11000: still
# launching). Two launching hosts: B's gap at 1/2, 6000-8000. A's k1 keeps
# rate 1: the next launch is a sync, which the host makes after k1, so k1
# is not paced by the host. At 8000 B's host has launched (progress 1000,
# its last launch): A's host alone, rate 1. B's kernel 8000-12000. A: k1
# to 10000, gap2 10000-11000, k2 11000-15000.
# (Before the fix A's host was done at 3000: B 6000-11000. Pacing k1 at 1/2
# as well: A at progress 7000 by 8000, then 16000.)
echo "-- B arrives while A waits for its step 1 kernel:"
run_dec 6000
# B arrives at 10500, A in gap2 (launching). Both hosts launch: 1/2 each.
# A's gap2 has 500 ns left: 1000 ns, to 11500 (A's last launch); B's gap is
# at progress 500 then. Only B's host launches now: rate 1, its gap ends at
# 12000, its kernel 12000-16000. A's k2 11500-15500.
# (Before the fix A's host was done at 3000: B's gap 10500-11500, its kernel
# to 15500; A at 15000.)
echo "-- B arrives while A launches step 2:"
run_dec 10500
