#!/bin/sh
# Sweeps, generators, views, figures, shards and merges (TAP). Runs in a
# scratch directory; experiment fixtures live in tests/sweep/.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
fx="$root/tests/sweep"
S=$SCHEDLAB
q() { "$S" query --csv "$1" "$2" | tail -n +2; }

# ---- grid expansion, derive, filter --------------------------------------
# 3 policies x 2 loads x 2 seeds = 12 points; the filter drops p_hpf at 0.3
# (2 seeds): 10 runs. --quick keeps seed 1: 6 points, 1 dropped: 5 runs.
out=$("$S" sweep "$fx/grid.lua" --db g.db --dry-run 2>/dev/null | tail -n 1)
check "sweep-1.1: grid of 12 points, 2 filtered: 10 runs" "$out" "10 runs, 0 already done, 10 to run"
out=$("$S" sweep "$fx/grid.lua" --db gq.db --quick --dry-run 2>/dev/null | tail -n 1)
check "sweep-1.2: quick variant: 5 runs" "$out" "5 runs, 0 already done, 5 to run"
"$S" sweep "$fx/grid.lua" --db g.db --jobs 2 --quiet --report grid.md >/dev/null 2>&1
check "sweep-1.3: all 10 runs stored ok" "$(q g.db "SELECT count(*) FROM runs WHERE status = 'ok'")" 10
check "sweep-1.4: derive set param key=total for sjf only" \
  "$(q g.db "SELECT group_concat(DISTINCT policy) FROM runs JOIN params USING (run_id) WHERE name = 'key' AND value = 'total'")" sjf
check "sweep-1.5: derived var recorded" \
  "$(q g.db "SELECT value FROM params JOIN runs USING (run_id) WHERE name = 'var.pair' AND policy = 'p_hpf' LIMIT 1")" "p_hpf@0.6"
check "sweep-1.6: generator params recorded for GROUP BY" \
  "$(q g.db "SELECT group_concat(v, ' ') FROM (SELECT DISTINCT value AS v FROM params WHERE name = 'trace.load' ORDER BY v)")" "0.3 0.6"
out=$("$S" sweep "$fx/grid.lua" --db g.db --jobs 2 --no-report 2>/dev/null | head -n 1)
check "sweep-1.7: a second sweep skips every run" "$out" "sweep grid: 10 runs: 10 done before, 0 ok, 0 failed"
check "sweep-1.8: report written from the database" "$(tail -n 1 grid.md 2>/dev/null)" "- sjf: 4 runs"
check "sweep-1.9: run_summary has a column per param" \
  "$(q g.db "SELECT count(*) FROM run_summary WHERE trace_load = 0.6 AND antt > 0")" 6
check "sweep-1.10: policy_summary aggregates two seeds" \
  "$(q g.db "SELECT n FROM policy_summary WHERE policy = 'sjf' AND metric = 'antt' AND class = 'all' LIMIT 1")" 2
check "sweep-1.11: vs_baseline pairs each run with np_fcfs on its workload" \
  "$(q g.db "SELECT count(*), sum(ratio = 1) FROM vs_baseline WHERE metric = 'antt' AND class = 'all'")" "10,4"

# ---- bad experiment files ------------------------------------------------
out=$("$S" sweep "$fx/bad_key.lua" --db b.db 2>&1)
contains "sweep-2.1: unknown top-level key names file and key" "$out" \
  "schedlab: error: $fx/bad_key.lua: unknown key 'fixd' in the experiment (known: name,"
out=$("$S" sweep "$fx/bad_point.lua" --db b.db 2>&1)
contains "sweep-2.2: unknown grid-point key" "$out" "schedlab: error: $fx/bad_point.lua: unknown key 'parm' in a grid point"
check "sweep-2.3: bad experiment writes nothing" "$(ls b.db 2>/dev/null)" ""

# ---- generator statistics over large samples ------------------------------
# Profile A/B/C isolated 4000/1000/6000 ns: the mix A,B,C has mean 11000/3 ns.
dev="profile:$root/tests/cases/profile.csv"
"$S" trace gen poisson n=200000 rate=1000000 networks=A --device "$dev" --out p.csv
stats=$(awk -F, 'NR > 1 { if (NR > 2) { g = $1 - last; s += g; s2 += g * g; m++ } last = $1 }
  END { mean = s / m; sd = sqrt(s2 / m - mean * mean); printf "%d %d", (mean > 990 && mean < 1010), (sd / mean > 0.98 && sd / mean < 1.02) }' p.csv)
check "gen-1: poisson at 1e6 req/s: mean gap 1000 ns (1%), CV 1 (2%)" "$stats" "1 1"
"$S" trace gen gamma n=200000 rate=1000000 cv=3 networks=A --device "$dev" --out g.csv
stats=$(awk -F, 'NR > 1 { if (NR > 2) { g = $1 - last; s += g; s2 += g * g; m++ } last = $1 }
  END { mean = s / m; cv = sqrt(s2 / m - mean * mean) / mean; printf "%d %d", (mean > 970 && mean < 1030), (cv > 2.85 && cv < 3.15) }' g.csv)
check "gen-2: gamma cv=3: mean gap 1000 ns (3%), CV 3 (5%)" "$stats" "1 1"
# Short dwells (5 us) give thousands of high/low cycles, so the sample mean settles.
"$S" trace gen mmpp n=200000 rate=1000000 burst=20 high_fraction=0.1 dwell=5us networks=A --device "$dev" --out m.csv
stats=$(awk -F, 'NR > 1 { if (NR > 2) { g = $1 - last; s += g; s2 += g * g; m++ } last = $1 }
  END { mean = s / m; cv = sqrt(s2 / m - mean * mean) / mean; printf "%d %d", (mean > 950 && mean < 1050), (cv > 1.3) }' m.csv)
check "gen-3: mmpp: mean rate kept (5%), bursty (CV > 1.3)" "$stats" "1 1"
"$S" trace gen poisson n=200000 load=0.7 networks=A,B,C --device "$dev" --out l.csv
stats=$(awk -F, 'NR > 1 { w += ($2 == "A" ? 4000 : $2 == "B" ? 1000 : 6000); last = $1 }
  END { printf "%d", (w / last > 0.686 && w / last < 0.714) }' l.csv)
check "gen-4: load 0.7 offers 0.7 of the device's capacity (2%)" "$stats" 1
"$S" trace gen periodic tasks=5 utilization=0.6 horizon=50ms jitter=0.2 networks=A,B,C seed=4 --device "$dev" --out r.csv
stats=$(awk -F, 'NR > 1 { w += ($2 == "A" ? 4000 : $2 == "B" ? 1000 : 6000); if ($6 < $1) bad++; if ($1 < prev) bad++; prev = $1 }
  END { printf "%d %d", (w / 5e7 > 0.594 && w / 5e7 < 0.606), bad + 0 }' r.csv)
check "gen-5: periodic UUniFast set: utilisation 0.6 (1%), sorted, deadlines after releases" "$stats" "1 0"
"$S" trace gen uniform n=100000 window=1ms first_at_zero=true networks=A --device "$dev" --out u.csv
stats=$(awk -F, 'NR == 2 { first = $1 } NR > 1 { s += $1; if ($1 < prev || $1 > 1000000) bad++; prev = $1; m++ }
  END { printf "%d %d %d", first, (s / m > 495000 && s / m < 505000), bad + 0 }' u.csv)
check "gen-6: uniform in a 1 ms window: first at 0, mean 0.5 ms (1%), sorted, inside" "$stats" "0 1 0"
a=$("$S" trace gen poisson n=1000 load=0.5 seed=9 networks=A,B --device "$dev" 2>/dev/null | md5sum)
b=$("$S" trace gen poisson n=1000 load=0.5 seed=9 networks=A,B --device "$dev" 2>/dev/null | md5sum)
c=$("$S" trace gen poisson n=1000 load=0.5 seed=10 networks=A,B --device "$dev" 2>/dev/null | md5sum)
check "gen-7: same seed same bytes, other seed other bytes" "$([ "$a" = "$b" ] && [ "$a" != "$c" ] && echo yes)" yes
b1=$("$S" trace gen poisson n=300 rate=1000 networks=resnet18,alexnet batches=1,4,16 batch_mix=per_workload seed=1 --device "profile:$root/traces/profiles/h100_torchvision.csv" 2>/dev/null | awk -F, 'NR > 1 { print $3 }' | sort -u | wc -l)
b2=$("$S" trace gen poisson n=300 rate=1000 networks=resnet18,alexnet batches=1,4,16 seed=1 --device "profile:$root/traces/profiles/h100_torchvision.csv" 2>/dev/null | awk -F, 'NR > 1 { print $3 }' | sort -u | wc -l)
check "gen-9: batch_mix=per_workload draws one batch for the trace; per_task all three" "$b1 $b2" "1 3"
out=$("$S" trace gen poisson n=10 networks=A --device "$dev" 2>&1)
check "gen-8: missing rate and load is an error" "$out" "schedlab: error: generator poisson: give exactly one of rate=REQ_PER_S or load=FRACTION"

# ---- a failing run does not stop the sweep; a rerun retries it ------------
"$S" sweep "$fx/broken.lua" --db f.db --jobs 2 --quiet >/dev/null 2>&1
check "sweep-3.1: exit status 1 when runs failed" "$?" 1
check "sweep-3.2: two ok, two failed with the policy's message" \
  "$(q f.db "SELECT count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'failed' AND error LIKE '%fails.lua:6: deliberate failure%') FROM runs")" "2,2"
check "sweep-3.3: failed runs have no task rows" "$(q f.db "SELECT count(*) FROM tasks JOIN runs USING (run_id) WHERE status = 'failed'")" 0
"$S" sweep "$fx/broken.lua" --db f.db --jobs 2 --quiet >/dev/null 2>&1
check "sweep-3.4: a rerun retries failures without duplicating them" "$(q f.db "SELECT count(*) FROM runs")" 4

# ---- resume after kill -9 --------------------------------------------------
setsid "$S" sweep "$fx/many.lua" --db k.db --jobs 2 --quiet >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do
  done_runs=$(q k.db "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
  [ "${done_runs:-0}" -ge 8 ] && break
  sleep 0.05
  i=$((i + 1))
done
kill -KILL -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
before=$(q k.db "SELECT count(*) FROM runs")
if [ "$before" -ge 8 ] && [ "$before" -lt 60 ]; then ok "sweep-4.1: killed with -9 mid-sweep after $before of 60 runs"
else not_ok "sweep-4.1: killed mid-sweep" "runs before kill: $before"; fi
"$S" sweep "$fx/many.lua" --db k.db --jobs 2 --quiet >/dev/null 2>&1
check "sweep-4.2: restarted sweep completes: 60 runs, 60 keys, all ok" \
  "$(q k.db "SELECT count(*), count(DISTINCT run_key), sum(status = 'ok') FROM runs")" "60,60,60"
check "sweep-4.3: every stored run has its tasks and metrics" \
  "$(q k.db "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM tasks t WHERE t.run_id = r.run_id) != 100000 OR NOT EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.run_id)")" 0

# ---- concurrent writers ----------------------------------------------------
# Each writer's exit status and stderr are kept and shown only on failure,
# with the runs stored as failed: a lost run names its cause.
"$S" sweep "$fx/grid.lua" --db c.db --jobs 2 --quiet --no-report >/dev/null 2>c.grid.err &
writers="$!:grid"
"$S" sweep "$fx/other.lua" --db c.db --jobs 2 --quiet >/dev/null 2>c.other.err &
writers="$writers $!:other"
for s in 1 2 3; do
  "$S" run --db c.db --trace "$root/tests/cases/sched_np_fcfs/trace.csv" --policy sjf \
    --device "$dev" --seed $s --quiet >/dev/null 2>c.run$s.err &
  writers="$writers $!:run$s"
done
for w in $writers; do
  wait "${w%%:*}"
  rc=$?
  w=${w#*:}
  if [ $rc -ne 0 ] || [ -s "c.$w.err" ]; then echo "$w exited $rc"; sed 's/^/  /' "c.$w.err"; fi
done >c.said
got=$(q c.db "SELECT count(*), sum(status = 'ok') FROM runs")
name="sweep-5: two sweeps and three runs writing one database at once: 10 + 16 + 3 runs"
if [ "$got" = "29,29" ]; then ok "$name"
else
  not_ok "$name" "got:  $got" "want: 29,29"
  { cat c.said; q c.db "SELECT 'failed run ' || run_id || ' (' || experiment || '): ' || error
                        FROM runs WHERE status != 'ok'"; } | sed 's/^/#   /'
fi

# ---- shards and merge ------------------------------------------------------
for i in 0 1 2; do "$S" sweep "$fx/grid.lua" --db s$i.db --shard $i/3 --jobs 1 --quiet >/dev/null 2>&1; done
"$S" sweep "$fx/grid.lua" --db whole.db --jobs 2 --quiet --no-report >/dev/null 2>&1
"$S" merge merged.db s0.db s1.db s2.db >/dev/null
rows="SELECT r.run_key, r.policy, r.seed, r.point, t.seq, t.start_ns, t.finish_ns, t.overhead_ns FROM runs r JOIN tasks t USING (run_id) ORDER BY 1, 5"
mets="SELECT r.run_key, m.name, m.class, m.value FROM runs r JOIN metrics m USING (run_id) ORDER BY 1, 2, 3"
prm="SELECT r.run_key, p.name, p.value FROM runs r JOIN params p USING (run_id) ORDER BY 1, 2"
same=yes
for sql in "$rows" "$mets" "$prm"; do
  [ "$(q merged.db "$sql" | md5sum)" = "$(q whole.db "$sql" | md5sum)" ] || same=no
done
check "merge-1: three shards merged = one unsharded sweep (tasks, metrics, params)" "$same" yes
# Grid index = policy*4 + seed*2 + load (axes sorted by name, the last fastest);
# the filter drops indices 4 and 6 (p_hpf at 0.3). Index mod 3: {0,3,9},
# {1,7,10}, {2,5,8,11}.
check "merge-2: shards partition the grid" "$(for i in 0 1 2; do q s$i.db "SELECT count(*) FROM runs"; done | tr '\n' ' ')" "3 3 4 "
out=$("$S" merge merged.db s1.db)
check "merge-3: merging again adds nothing" "$out" "merged 1 database(s) into merged.db: 0 run(s) added, 3 identical run(s) skipped"
cp s2.db conflict.db
sqlite3 conflict.db "UPDATE metrics SET value = value + 1 WHERE name = 'antt' AND class = 'all' AND run_id = (SELECT min(run_id) FROM runs)"
before=$(sqlite3 merged.db .dump | md5sum)
out=$("$S" merge merged.db conflict.db 2>&1)
st=$?
after=$(sqlite3 merged.db .dump | md5sum)
check "merge-4: conflicting results are an error and leave OUT unchanged" \
  "$st $(echo "$out" | grep -c 'differ from run') $([ "$before" = "$after" ] && echo unchanged)" "1 1 unchanged"

# ---- figures ----------------------------------------------------------------
"$S" plot "$fx/grid.lua" --db g.db --out figs >/dev/null 2>&1
png=$(head -c 8 figs/antt.png 2>/dev/null | od -An -tx1 | tr -d ' \n')
check "plot-1: PNG written (signature)" "$png" "89504e470d0a1a0a"
check "plot-2: SVG, .gp and .dat beside it, non-empty" \
  "$(for f in antt.svg antt.gp antt.dat stp.png stp.svg; do [ -s figs/$f ] && echo y; done | tr -d '\n')" yyyyy
rm figs/antt.png
(cd figs && gnuplot antt.gp 2>/dev/null)
check "plot-3: the written gnuplot script redraws the figure" "$([ -s figs/antt.png ] && echo yes)" yes
"$S" plot --db g.db --sql "SELECT policy, avg(value) FROM run_metrics WHERE metric = 'p99_latency_ns' GROUP BY policy" \
  --kind bar --name p99 --ylabel "p99 latency (ns)" --out adhoc >/dev/null 2>&1
check "plot-4: ad-hoc --sql bar chart" "$([ -s adhoc/p99.png ] && [ -s adhoc/p99.svg ] && echo yes)" yes
"$S" plot --db g.db --sql "SELECT finish_ns - arrival_ns, network FROM tasks" --kind cdf --name cdf --out adhoc >/dev/null 2>&1
check "plot-5: ad-hoc cdf" "$([ -s adhoc/cdf.png ] && echo yes)" yes
out=$("$S" plot --db g.db --sql "SELECT 1 WHERE 0" --kind line --out adhoc 2>&1)
check "plot-6: an empty query is a clear error" "$out" "schedlab: error: figure 'figure': the query returned no rows"

# ---- Slurm job array ---------------------------------------------------------
out=$("$S" sweep "$fx/grid.lua" --db slurm/x.db --emit-slurm --shards 4 | head -n 1)
check "slurm-1: scripts written" "$out" "wrote $PWD/slurm/x.slurm/{array.sbatch,merge.sbatch,submit.sh}: 10 runs in 4 shards"
check "slurm-2: array of 4 shards, merge of 4 databases, valid shell" \
  "$(grep -c 'array=0-3' slurm/x.slurm/array.sbatch) $(grep -o 'shard-[0-9].db' slurm/x.slurm/merge.sbatch | wc -l) $(bash -n slurm/x.slurm/array.sbatch && bash -n slurm/x.slurm/merge.sbatch && sh -n slurm/x.slurm/submit.sh && echo valid)" "1 4 valid"

echo "1..$n"
exit $((failed > 0))
