#!/bin/sh
# Run identity and up-front experiment checks (TAP). A run's key depends on
# what determines its rows (engine sources, policy and required modules,
# device and layer tables, trace, params) and on nothing else (git state,
# docs, reports, comments, paths); experiment mistakes stop the sweep before
# it creates anything. Runs in a temporary folder of its own.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
mtime() { stat -c %Y.%y "$1" 2>/dev/null; }
profile="$root/tests/cases/profile.csv"
# A folder of its own: the other scripts share the suite's scratch folder.
work=$(mktemp -d "${TMPDIR:-/tmp}/t_runkey.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# ---- a study in a git repository of its own ------------------------------
# exp/study.lua names its policy, trace and device relative to exp/; the
# policy requires a module of its folder. 2 policies x 2 seeds = 4 runs.
mkdir -p proj/exp/pol proj/exp/data proj/docs
cd proj
cp "$profile" exp/data/profile.csv
printf 'arrival_ns,network,batch,priority\n0,A,1,1\n100,B,1,9\n200,A,1,3\n5000,B,1,1\n' > exp/data/t.csv
cat > exp/pol/helper.lua <<'EOF'
local H = {}
function H.pick(sim) return sim.best("fifo") end
return H
EOF
cat > exp/pol/mine.lua <<'EOF'
-- mine: FIFO through a helper module
local H = require("helper")
local P = {}
function P.schedule(sim) return H.pick(sim) end
return P
EOF
cat > exp/study.lua <<'EOF'
return {
  name = "study",
  grid = { policy = {"np_fcfs", "pol/mine.lua"}, seed = {1, 2} },
  fixed = { device = "profile:data/profile.csv", trace = "data/t.csv" },
  metrics = {"antt", "p99_latency_ns"},
  report = function(q)
    local r = q("SELECT count(*) AS n FROM runs WHERE status = 'ok'")[1]
    return "# study\n\n" .. r.n .. " runs ok\n"
  end,
}
EOF
echo "# docs" > docs/README.md
git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm init
cd ..

sweep() { (cd "$1" && "$S" sweep exp/study.lua --db "$2" --jobs 2 2>&1); }
out=$(sweep proj ../k.db)
contains "runkey-1.1: a fresh sweep runs all 4 points" "$out" "sweep study: 4 runs: 0 done before, 4 ok, 0 failed"
check "runkey-1.2: the report was written beside the experiment" "$(cat proj/exp/study.md)" "# study

4 runs ok"
(cd proj && git add exp/study.md && git -c user.name=t -c user.email=t@t commit -qm report)
report_before=$(mtime proj/exp/study.md)

# Docs edited, the report rewritten, the tree dirty: nothing new to run.
echo "more" >> proj/docs/README.md
(cd proj && "$S" report exp/study.lua --db ../k.db) >/dev/null 2>&1
echo "scratch" > proj/untracked.txt
check "runkey-1.3: the checkout is dirty" "$(cd proj && git status --porcelain | wc -l | tr -d ' ')" 2
out=$(sweep proj ../k.db)
contains "runkey-1.4: dirty tree, edited docs, rewritten report: 0 new runs" "$out" \
  "sweep study: 4 runs: 4 done before, 0 ok, 0 failed"
contains "runkey-1.5: an unchanged report is left alone" "$out" "report: exp/study.md (unchanged)"
check "runkey-1.6: ... and keeps its time stamp" "$(mtime proj/exp/study.md)" "$report_before"
check "runkey-1.7: the report did not dirty the checkout" \
  "$(cd proj && git status --porcelain exp | wc -l | tr -d ' ')" 0

# The same study moved elsewhere and swept from another folder: same keys.
cp -r proj moved
mkdir -p elsewhere
out=$(cd elsewhere && "$S" sweep ../moved/exp/study.lua --db ../k.db --jobs 2 2>&1)
contains "runkey-1.8: a moved checkout swept from another folder: 0 new runs" "$out" \
  "4 runs: 4 done before, 0 ok"

# `run` with the same configuration, paths from the current folder: same key.
(cd proj/exp && "$S" run --trace data/t.csv --policy pol/mine.lua --device profile:data/profile.csv \
  --seed 1 --db ../../r.db --quiet >/dev/null 2>&1)
check "runkey-1.9: run and sweep give one configuration one key" \
  "$(q r.db "ATTACH 'k.db' AS k; SELECT count(*) FROM runs r JOIN k.runs s USING (run_key)")" 1

# A comment and the layout of the policy changed: not its code.
cat > proj/exp/pol/mine.lua <<'EOF'
-- mine: FIFO through a helper module.
-- (a longer comment, and different layout)
local H   =   require("helper")   -- the helper
local P = {}
--[[ a block
     comment ]]
function P.schedule(sim)
    return H.pick(sim)
end
return P
EOF
out=$(sweep proj ../k.db)
contains "runkey-2.1: comments and layout of a policy keep its runs" "$out" "4 done before, 0 ok"

# The required module's code changed: the policy's runs are new.
sed -i 's/return sim.best("fifo")/return sim.best("fifo") or nil/' proj/exp/pol/helper.lua
out=$(sweep proj ../k.db)
contains "runkey-2.2: a changed required module makes new keys for its policy only" "$out" \
  "4 runs: 2 done before, 2 ok"
# The policy's own code changed.
sed -i 's/return H.pick(sim)/local r = H.pick(sim) return r/' proj/exp/pol/mine.lua
out=$(sweep proj ../k.db)
contains "runkey-2.3: a changed policy makes new keys" "$out" "4 runs: 2 done before, 2 ok"
# The trace's content changed.
echo "6000,A,1,9" >> proj/exp/data/t.csv
out=$(sweep proj ../k.db)
contains "runkey-2.4: a changed trace makes new keys for every run" "$out" "4 runs: 0 done before, 4 ok"
check "runkey-2.5: the database holds 4 + 2 + 2 + 4 distinct keys" \
  "$(q k.db "SELECT count(DISTINCT run_key) FROM runs")" 12

# ---- devices that compile networks: their layer tables -------------------
# A project home of our own, so its tables can be edited.
mkdir -p home/traces
cp -r "$root/policies_lua" home/
cp -r "$root/traces/devices" "$root/traces/networks" home/traces/
printf 'arrival_ns,network,batch,priority\n0,alexnet,1,1\n1000,alexnet,1,9\n' > npu.csv
key() { SCHEDLAB_HOME=$PWD/home "$S" run --trace npu.csv --policy np_fcfs --device npu-prema \
          --db npu.db --quiet >/dev/null 2>&1; q npu.db "SELECT run_key FROM runs ORDER BY run_id DESC LIMIT 1"; }
k1=$(key)
echo "# an unrelated table edited" >> home/traces/networks/vgg16.csv
k2=$(key)
check "runkey-3.1: a network the trace does not use does not count" "$k2" "$k1"
echo "# tables are hashed as bytes: a comment line counts too" >> home/traces/networks/alexnet.csv
k3=$(key)
if [ -n "$k3" ] && [ "$k3" != "$k1" ]; then ok "runkey-3.2: the trace's network table changed: a new key"
else not_ok "runkey-3.2: the trace's network table changed: a new key" "k1=$k1 k3=$k3"; fi
echo "# edited" >> home/traces/devices/npu-prema.dev
k4=$(key)
if [ -n "$k4" ] && [ "$k4" != "$k3" ]; then ok "runkey-3.3: the device preset changed: a new key"
else not_ok "runkey-3.3: the device preset changed: a new key" "k3=$k3 k4=$k4"; fi
# A device file of its own that starts from the preset: the preset counts
# through its `base =` line, read as the device reads it (here after a
# UTF-8 byte order mark).
printf '\357\273\277base = npu-prema   # the preset\nclock_mhz = 900\n' > mine.dev
keyf() { SCHEDLAB_HOME=$PWD/home "$S" run --trace npu.csv --policy np_fcfs --device npu:mine.dev \
           --db npu.db --quiet >/dev/null 2>&1; q npu.db "SELECT run_key FROM runs ORDER BY run_id DESC LIMIT 1"; }
k5=$(keyf)
echo "# edited again" >> home/traces/devices/npu-prema.dev
k6=$(keyf)
if [ -n "$k5" ] && [ -n "$k6" ] && [ "$k6" != "$k5" ]; then
  ok "runkey-3.4: the preset a device file's base names changed: a new key"
else not_ok "runkey-3.4: the preset a device file's base names changed: a new key" "k5=$k5 k6=$k6"; fi

# ---- the source hash: git state and docs do not enter it -------------------
mkdir -p src && cp -r "$root/engine" "$root/Makefile" "$root/README.md" src/
(cd src && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm s)
gen() { (cd src && make -s BUILD=b build/../b/gen/srchash.h >/dev/null 2>&1 || make -s BUILD=b b/gen/srchash.h >/dev/null 2>&1); cat src/b/gen/srchash.h 2>/dev/null; }
h1=$(gen)
echo "edited" >> src/README.md
h2=$(gen)
check "runkey-4.1: a dirty tree and an edited README keep the engine's source hash" "$h2" "$h1"
contains "runkey-4.2: ... while git describe sees the tree dirty" \
  "$(cd src && make -s BUILD=b b/gen/version.h >/dev/null 2>&1; cat b/gen/version.h)" "dirty"
echo "/* a change */" >> src/engine/sl.h
h3=$(gen)
if [ -n "$h1" ] && [ "$h3" != "$h1" ]; then ok "runkey-4.3: an engine source changed: a new source hash"
else not_ok "runkey-4.3: an engine source changed: a new source hash" "h1=$h1 h3=$h3"; fi

# ---- checks before anything runs ------------------------------------------
mkdir -p bad/data && cp "$profile" bad/data/profile.csv
cp proj/exp/data/t.csv bad/data/t.csv
printf 'local P = {}\nfunction P.schedule(sim) return sim.best("fifo") end\nretrun P\n' > bad/broken.lua
mkexp() { # mkexp NAME GRID FIXED [TOP]
  printf 'return { name = "%s", grid = { %s, seed = {1} },\n  fixed = { device = "profile:data/profile.csv", trace = "data/t.csv", %s },\n  %s }\n' \
    "$1" "$2" "$3" "${4:-}" > "bad/$1.lua"
}
fails() { # fails NAME EXPECTED_MESSAGE [--dry-run]
  out=$(cd elsewhere && "$S" sweep "../bad/$1.lua" --db "../bad/$1.db" ${3:-} 2>&1)
  rc=$?
  out=$(echo "$out" | sed "s|$root/policies_lua|POLICIES|g")
  check "check-$1: exit status 1" "$rc" 1
  contains "check-$1: message" "$out" "$2"
  check "check-$1: no database created" "$(ls bad/$1.db 2>/dev/null)" ""
}
mkexp policy 'policy = {"np_fcfs", "broken.lua"}' ''
fails policy "schedlab: error: ../bad/policy.lua: grid point 1 (device=profile:data/profile.csv;policy=broken.lua;trace=data/t.csv): policy 'broken' (../bad/broken.lua): ../bad/broken.lua:3: syntax error"
mkexp param 'policy = {"sjf"}' '["param.kye"] = "total"'
fails param "../bad/param.lua: grid point 0 (device=profile:data/profile.csv;param.kye=total;policy=sjf;trace=data/t.csv): policy 'sjf' has no param 'kye' (did you mean 'key'?) (it declares: key, preempt, preemptive)"
mkexp value 'policy = {"sjf"}' '["param.preemptive"] = "sometimes"'
fails value "../bad/value.lua: grid point 0 (device=profile:data/profile.csv;param.preemptive=sometimes;policy=sjf;trace=data/t.csv): policy 'sjf' (POLICIES/sjf.lua): param 'preemptive' expects"
mkexp devparam 'policy = {"np_fcfs"}' '["device.bandwith_gbps"] = 4'
fails devparam "../bad/devparam.lua: grid point 0 (device=profile:data/profile.csv;device.bandwith_gbps=4;policy=np_fcfs;trace=data/t.csv): device 'profile:../bad/data/profile.csv' has no param 'bandwith_gbps' (did you mean 'bandwidth_gbps'?" --dry-run
mkexp metric 'policy = {"np_fcfs"}' '' 'metrics = {"antt", "p99_latency"}'
fails metric "schedlab: error: ../bad/metric.lua: metrics: unknown metric 'p99_latency' (did you mean 'p99_latency_ns'?)" --dry-run
mkexp figure 'policy = {"np_fcfs"}' '' "figures = { f = { kind = \"bar\", sql = \"SELECT policy, mean FROM policy_summary WHERE metric = 'anttt' AND class = 'all'\" } }"
fails figure "schedlab: error: ../bad/figure.lua: figure 'f': unknown metric 'anttt' (did you mean 'antt'?)"
mkexp pattern 'policy = {"np_fcfs"}' '' "figures = { f = { kind = \"bar\", sql = \"SELECT policy, mean FROM policy_summary WHERE metric LIKE 'slo_%'\" } }"
fails pattern "../bad/pattern.lua: figure 'f': metric pattern LIKE 'slo_%' matches no metric"
mkexp class 'policy = {"np_fcfs"}' '' "figures = { f = { kind = \"bar\", sql = \"SELECT policy, mean FROM policy_summary WHERE metric IN ('antt', 'stp') AND class = 'al'\" } }"
fails class "../bad/class.lua: figure 'f': unknown class 'al'"
# A trace that exists in the current folder but not beside the experiment.
mkexp path 'policy = {"np_fcfs"}' ''
sed -i 's|trace = "data/t.csv"|trace = "t_cwd.csv"|' bad/path.lua
cp bad/data/t.csv elsewhere/t_cwd.csv
fails path "../bad/path.lua: grid point 0 (device=profile:data/profile.csv;policy=np_fcfs;trace=t_cwd.csv): trace '../bad/t_cwd.csv': no such file (a relative path is taken from the experiment file's folder)"
# The same file beside the experiment: found, from any folder.
cp bad/data/t.csv bad/t_cwd.csv
out=$(cd elsewhere && "$S" sweep ../bad/path.lua --db ../bad/path.db --quiet 2>&1)
check "check-path-ok: a relative trace resolves from the experiment's folder" "$?$(q bad/path.db "SELECT count(*) FROM runs WHERE status = 'ok'")" "01"

# ---- a param of one policy --------------------------------------------------
mkexp scoped 'policy = {"np_fcfs", "sjf"}, policy_params = { sjf = { key = {"total", "remaining"} } }' ''
out=$("$S" sweep bad/scoped.lua --db bad/scoped.db --dry-run 2>&1)
contains "scoped-1: np_fcfs once, sjf once per key: 3 runs" "$out" "3 runs, 0 already done, 3 to run"
contains "scoped-2: the param is set for sjf" "$out" "param.key=remaining;policy=sjf"
case $out in *"param.key=total;policy=np_fcfs"*|*"param.key=remaining;policy=np_fcfs"*)
  not_ok "scoped-3: np_fcfs points do not get the param" "$out" ;;
  *) ok "scoped-3: np_fcfs points do not get the param" ;; esac
mkexp unscoped 'policy = {"np_fcfs"}, policy_params = { sjf = { key = {"total"} } }' ''
fails unscoped "../bad/unscoped.lua: grid.policy_params.sjf: no point of this grid has policy 'sjf'"

# ---- when runs fail, the first failure's error ------------------------------
cat > bad/late.lua <<'EOF'
local P = {}
local calls = 0
function P.schedule(sim)
  calls = calls + 1
  if calls == 2 then error("deliberate failure") end
  return sim.best("fifo")
end
return P
EOF
mkexp failing 'policy = {"np_fcfs", "late.lua"}' ''
out=$("$S" sweep bad/failing.lua --db bad/failing.db --quiet 2>&1)
check "fail-1: exit status 1 when a run failed" "$?" 1
contains "fail-2: the first failure's point and seed" "$out" \
  "schedlab: first failure: grid point 1 (device=profile:data/profile.csv;policy=late.lua;trace=data/t.csv), seed 1:"
contains "fail-3: ... and its error" "$out" "deliberate failure"

# ---- points that differ only in a var.* label --------------------------------
# Two names for one configuration are two grid points, each with its answer:
# the labels are in the key, so neither point is left without a current run.
mkexp labels 'policy = {"np_fcfs"}, ["var.name"] = {"a", "b"}' ''
"$S" sweep bad/labels.lua --db bad/labels.db --quiet --no-report >/dev/null 2>&1
check "labels-1: two runs, two keys" \
  "$("$S" query --csv bad/labels.db "SELECT count(*), count(DISTINCT run_key) FROM runs WHERE status = 'ok'" | tail -n 1)" "2,2"
check "labels-2: both points in policy_summary" \
  "$("$S" query --csv bad/labels.db "SELECT group_concat(var_name, ' ') FROM (SELECT var_name FROM policy_summary WHERE metric = 'antt' AND class = 'all' ORDER BY var_name)" | tail -n 1)" "a b"

echo "1..$n"
[ "$failed" -eq 0 ]
