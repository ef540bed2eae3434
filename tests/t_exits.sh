#!/bin/sh
# Chunks, early exits and drops beyond the golden cases (TAP): the upgrade
# of a version-3 database to version 4 keeps every row, merge reads a
# version-3 shard, and a `# chunk after=` line on the GPU model ends a chunk
# at the end of the named layer's last kernel. tests/store/v3.sql says what
# its rows are.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
OLD="seq, task_id, tenant, network, batch, priority, arrival_ns, start_ns, finish_ns, isolated_ns,
  deadline_ns, preemptions, overhead_ns, wasted_ns, waited_ns, checkpoints, kills, workload, unit,
  migrations"
# Rows of table $3 (columns $4) in $1 and not in $2, both ways: 0 when equal.
differ() {
  q "$1" "ATTACH '$2' AS o; SELECT (SELECT count(*) FROM (SELECT $4 FROM main.$3 EXCEPT SELECT $4 FROM o.$3))
    + (SELECT count(*) FROM (SELECT $4 FROM o.$3 EXCEPT SELECT $4 FROM main.$3))" | tail -n 1
}

# ---- the upgrade from schema version 3 ----------------------------------------
sqlite3 v3.db <"$root/tests/store/v3.sql"
cp v3.db v3.orig
check "v3-1: query reads a version-3 database as it is" \
  "$(q v3.db "SELECT count(*) FROM tasks"):$(cmp v3.db v3.orig && echo same)" "6:same"
"$S" prune v3.db --before 1970-01-01 >/dev/null 2>&1
check "v3-2: any writer upgrades it to version 4" \
  "$?:$(q v3.db "SELECT value FROM meta WHERE key = 'schema_version'")" "0:4"
check "v3-3: every tasks row kept, every old column as it was" "$(differ v3.db v3.orig tasks "$OLD")" 0
check "v3-4: runs, params and metrics as they were" \
  "$(differ v3.db v3.orig runs "*"):$(differ v3.db v3.orig params "*"):$(differ v3.db v3.orig metrics "*")" "0:0:0"
# No version-3 run had exits or drops.
check "v3-5: the new columns: exit, accuracy, accuracy_abs NULL, dropped 0" \
  "$(q v3.db "SELECT count(*) FROM tasks WHERE exit IS NULL AND accuracy IS NULL AND accuracy_abs IS NULL AND dropped = 0")" 6
check "v3-6: task_times has the new columns" \
  "$(q v3.db "SELECT count(*) FROM pragma_table_info('task_times') WHERE name IN ('exit', 'accuracy', 'accuracy_abs', 'dropped')")" 4

# ---- merge: a version-3 shard into a version-4 database -------------------------
sqlite3 v3b.db <"$root/tests/store/v3.sql"
out=$("$S" merge m.db v3b.db 2>&1)
check "merge-1: a version-3 shard: every run and task row" \
  "$?:$(q m.db "SELECT (SELECT count(*) FROM runs) || ':' || (SELECT count(*) FROM tasks)")" "0:2:6"
check "merge-2: old columns equal, new ones NULL and 0" \
  "$(differ m.db v3b.db tasks "$OLD"):$(q m.db "SELECT count(*) FROM tasks WHERE exit IS NULL AND dropped = 0")" "0:6"
# A version-4 shard with exits and a drop carries its new columns.
"$S" run --db x.db --device "profile:$root/tests/cases/exit_profile/exits.csv" \
  --trace "$root/tests/cases/exit_metrics/trace.csv" --policy "$root/tests/cases/exit_metrics/policy.lua" \
  --quiet >/dev/null 2>&1
"$S" merge m.db x.db >/dev/null 2>&1
check "merge-3: exits, accuracies and drops come along" \
  "$(q m.db "SELECT group_concat(coalesce(exit, '-') || ':' || coalesce(CAST(accuracy_abs AS INTEGER), '-') || ':' || dropped, ' ')
    FROM (SELECT * FROM tasks WHERE run_id = 3 ORDER BY seq)")" "1:80:0 1:0:0 2:0:1 -:-:0"
out=$("$S" merge m.db x.db 2>&1)
contains "merge-4: merging it again: identical, skipped" "$out" "0 run(s) added, 1 identical"

# ---- chunks on the GPU model --------------------------------------------------
# alexnet on gpu-orin with one chunk end after conv5. B (priority 9) arrives
# at 100 us, while A is in conv2: the checkpoint runs on to the end of
# conv5's last kernel and B starts there (the GPU saves nothing: state stays
# in device memory). That point is the sum of each layer's kernels and host
# gaps, conv1..conv5, from `schedlab predict --per-layer`.
net="$root/traces/networks/alexnet.csv"
{ echo "# chunk after=conv5"; cat "$net"; } > alexc.csv
printf 'arrival_ns,network,priority\n0,alexc.csv,1\n100000,alexc.csv,9\n' > g.csv
end5=$("$S" predict --device gpu-orin --network alexc.csv --per-layer --csv |
  awk -F, 'NR > 1 && $3 != "total" { s += $5 + $6; if ($3 == "conv5") { print s; exit } }')
"$S" run --db g.db --device gpu-orin --trace g.csv --policy p_hpf --quiet >/dev/null 2>&1
check "gpu-1: B starts at the end of conv5 ($end5 ns)" \
  "$(q g.db "SELECT start_ns FROM tasks WHERE task_id = 1")" "$end5"
check "gpu-2: A was preempted once" "$(q g.db "SELECT preemptions FROM tasks WHERE task_id = 0")" 1
printf 'arrival_ns,network,priority\n0,%s,1\n100000,%s,9\n' "$net" "$net" > g0.csv
"$S" run --db g0.db --device gpu-orin --trace g0.csv --policy p_hpf --quiet >/dev/null 2>&1
check "gpu-3: without the chunk line B starts at the next kernel boundary, far earlier" \
  "$(q g0.db "SELECT start_ns < 200000 FROM tasks WHERE task_id = 1")" 1

echo "1..$n"
exit $((failed > 0))
