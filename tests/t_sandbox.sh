#!/bin/sh
# The Lua sandbox has no way around its limits (TAP). Each hostile policy or
# experiment file must end in exit status 1 with a message that names the
# script and line and says what was detected, never a hang (every run is
# under `timeout 60`), an abort or a core dump; a failed run is stored with
# status 'failed' only where the design stores one (a hook failing during the
# run), and a load error writes nothing.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cp "$root/tests/cases/profile.csv" .
printf 'arrival_ns,network\n0,A\n10,B\n' > trace.csv
db() { # what the database holds: "none" or "RUNS:STATUSES"
  if [ -f "$1" ]; then "$S" query --csv "$1" "SELECT count(*) || ':' || coalesce(group_concat(status), '') FROM runs" | tail -n 1
  else echo none; fi
}

# pol NAME WANT_STATUS WANT_DB WANT_MESSAGE  (policy text on stdin, saved as NAME.lua)
# Checks exit status, that stderr's first line contains the message (which
# includes NAME.lua:LINE where a line is meant), and the database.
pol() {
  name=$1 want=$2 wdb=$3 msg=$4
  cat > "$name.lua"
  rm -f "$name.db"
  timeout 60 "$S" run --db "$name.db" --device profile:profile.csv --trace trace.csv \
    --policy "$name.lua" --quiet >/dev/null 2>"$name.err"
  st=$?
  check "$name: exit status" "$st" "$want"
  if [ "$want" != 0 ]; then contains "$name: message" "$(head -n 1 "$name.err")" "$msg"; fi
  check "$name: database" "$(db "$name.db")" "$wdb"
}

# exp NAME WANT_MESSAGE  (experiment text on stdin): sweep must fail, write nothing.
exp() {
  name=$1 msg=$2
  cat > "$name.lua"
  rm -f "$name.db"
  timeout 60 "$S" sweep "$name.lua" --db "$name.db" --quiet >/dev/null 2>"$name.err"
  st=$?
  check "$name: exit status" "$st" 1
  contains "$name: message" "$(head -n 1 "$name.err")" "$msg"
  check "$name: nothing written" "$(db "$name.db")" none
}

B='instruction budget of 10000000 per hook call exceeded'
# A run that fails in a hook during the run is stored as failed.
FAILED='1:failed'

# ---- the budget holds where Lua runs no hook, or in callbacks -----------
pol xpcall_handler 1 "$FAILED" "xpcall_handler.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  xpcall(function() while true do end end, function() while true do end end)
end
return P
EOF
pol xpcall_error_handler 1 "$FAILED" "xpcall_error_handler.lua:4: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  for i = 1, 1e12 do
    xpcall(error, function(m) while true do end end, "x")
  end
end
return P
EOF
pol pcall_loop 1 "$FAILED" "pcall_loop.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  while true do pcall(function() while true do end end) end
end
return P
EOF
pol coroutine_loop 1 "$FAILED" "coroutine_loop.lua:3: read of undeclared global 'coroutine'" <<'EOF'
local P = {}
function P.schedule(sim)
  coroutine.wrap(function() while true do end end)()
end
return P
EOF
pol gsub_callback 1 "$FAILED" "gsub_callback.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  return (("abc"):gsub(".", function(c) while true do end end))
end
return P
EOF
pol sort_comparator 1 "$FAILED" "sort_comparator.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  table.sort({3, 1, 2}, function(a, b) while true do end end)
end
return P
EOF
for mm in __index __eq __lt __concat __len __call; do
  pol "meta$mm" 1 "$FAILED" "meta$mm.lua:2: $B" <<EOF
local P = {}
local mt = { $mm = function() while true do end end }
function P.schedule(sim)
  local a, b = setmetatable({}, mt), setmetatable({}, mt)
  local _ = ("$mm" == "__index" and a.x) or ("$mm" == "__eq" and a == b) or ("$mm" == "__lt" and a < b)
    or ("$mm" == "__concat" and a .. b) or ("$mm" == "__len" and #a) or ("$mm" == "__call" and a())
end
return P
EOF
done
pol meta__close 1 "$FAILED" "meta__close.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  local x <close> = setmetatable({}, { __close = function() while true do end end })
end
return P
EOF
pol meta__tostring 1 "$FAILED" "meta__tostring.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  return tostring(setmetatable({}, { __tostring = function() while true do end end }))
end
return P
EOF

# ---- finalizers ----------------------------------------------------------
pol gc_finalizer 1 "$FAILED" "gc_finalizer.lua:3: setmetatable: __gc finalizers are not allowed" <<'EOF'
local P = {}
function P.schedule(sim)
  setmetatable({}, { __gc = function() while true do end end })
end
return P
EOF
pol gc_placeholder 1 none "gc_placeholder.lua:2: setmetatable: __gc finalizers are not allowed" <<'EOF'
local mt = { __gc = true }          -- a placeholder replaced later would mark the table
local t = setmetatable({}, mt)
mt.__gc = function() while true do end end
return { schedule = function(sim) return sim.best() end }
EOF
# A __gc added after setmetatable is never honoured: the run ends normally
# (also at lua_close) and stores its run.
pol gc_added_later 0 "1:ok" "" <<'EOF'
local P = {}
local keep = {}
function P.schedule(sim)
  local mt = {}
  keep[#keep + 1] = setmetatable({}, mt)
  rawset(mt, "__gc", function() while true do end end)
  return sim.best()
end
return P
EOF
pol gc_collectgarbage 1 "$FAILED" "gc_collectgarbage.lua:3: read of undeclared global 'collectgarbage'" <<'EOF'
local P = {}
function P.schedule(sim)
  collectgarbage("collect")
end
return P
EOF

# ---- long single C calls -------------------------------------------------
pol pattern_find 1 "$FAILED" "pattern_find.lua:3: string.find: pattern '.-.-.-b' on a subject of 100000 bytes" <<'EOF'
local P = {}
function P.schedule(sim)
  return string.rep("a", 1e5):find(".-.-.-b")
end
return P
EOF
pol pattern_match 1 "$FAILED" "pattern_match.lua:4: string.match: pattern '(a*)*b' on a subject of 50000 bytes" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("a"):rep(50000)
  return s:match("(a*)*b")
end
return P
EOF
pol pattern_gmatch 1 "$FAILED" "pattern_gmatch.lua:3: string.gmatch: pattern '%s*.-%s*x' on a subject of 200000 bytes" <<'EOF'
local P = {}
function P.schedule(sim)
  for w in (" "):rep(200000):gmatch("%s*.-%s*x") do end
end
return P
EOF
pol pattern_gsub 1 "$FAILED" "pattern_gsub.lua:3: string.gsub: pattern '[ab]+[bc]+[ac]+d' on a subject of 300000 bytes" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("abc"):rep(100000):gsub("[ab]+[bc]+[ac]+d", "")
end
return P
EOF
pol pattern_plain_find 1 "$FAILED" "pattern_plain_find.lua:4: string.find: pattern 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("a"):rep(1e6)
  return s:find(("a"):rep(5e5) .. "b", 1, true)
end
return P
EOF
# Linear patterns on a large subject are fine (and the run ends normally).
pol pattern_linear 0 "1:ok" "" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("word,"):rep(20000)
  local n = 0
  for w in s:gmatch("[^,]+") do n = n + 1 end
  assert(n == 20000 and s:find("^(%w+),") and select(2, s:gsub("%w+", "")) == 20000)
  return sim.best()
end
return P
EOF
pol rep_huge 1 "$FAILED" "rep_huge.lua:3: memory ceiling of 256 MiB exceeded" <<'EOF'
local P = {}
function P.schedule(sim)
  return ("x"):rep(1e9)
end
return P
EOF
pol rep_too_large 1 "$FAILED" "rep_too_large.lua:3: resulting string too large" <<'EOF'
local P = {}
function P.schedule(sim)
  return ("x"):rep(1e12)
end
return P
EOF
pol rep_empty 1 "$FAILED" "rep_empty.lua:3: done 0" <<'EOF'
local P = {}
function P.schedule(sim)
  error("done " .. #(""):rep(1e15, ""), 0)
end
return P
EOF
pol rep_loop 1 "$FAILED" "rep_loop.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  while true do local s = ("x"):rep(2e7) end
end
return P
EOF
pol concat_op_loop 1 "$FAILED" "concat_op_loop.lua:4: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("x"):rep(5e7)
  while true do local t = s .. "y" end
end
return P
EOF
pol table_concat_range 1 "$FAILED" "table_concat_range.lua:4: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  local t = setmetatable({}, { __index = rawlen })
  return table.concat(t, "", 1, 1 << 40)
end
return P
EOF
pol table_insert_len 1 "$FAILED" "table_insert_len.lua:4: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  local t = setmetatable({}, { __len = function() return 1 << 40 end, __index = rawequal, __newindex = rawequal })
  table.insert(t, 1, 0)
end
return P
EOF
pol table_move 1 "$FAILED" "table_move.lua:3: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  table.move({}, 1, 1 << 50, 2)
end
return P
EOF

pol utf8_scan 1 "$FAILED" "utf8_scan.lua:4: $B" <<'EOF'
local P = {}
function P.schedule(sim)
  local s = ("x"):rep(1e7)
  while true do local n = utf8.len(s) end
end
return P
EOF
# print charges one instruction per byte written: a print loop cannot fill the disk.
cat > print_flood.lua <<'EOF'
local P = {}
local s = ("x"):rep(1e5)
function P.schedule(sim)
  while true do print(s) end
end
return P
EOF
timeout 60 "$S" run --db print_flood.db --device profile:profile.csv --trace trace.csv \
  --policy print_flood.lua --log print_flood.log --quiet >/dev/null 2>print_flood.err
check "print_flood: exit status" "$?" 1
contains "print_flood: message" "$(head -n 1 print_flood.err)" "print_flood.lua:4: $B"
check "print_flood: log holds at most the budget in bytes" \
  "$(awk -v n="$(wc -c < print_flood.log)" 'BEGIN { print (n <= 10000000 + 1000) ? "yes" : "no: " n }')" yes

# ---- no Lua error escapes protected mode ---------------------------------
pol module_index_error 1 none "module_index_error.lua:1: module boom" <<'EOF'
return setmetatable({}, { __index = function() error("module boom") end })
EOF
pol module_index_loop 1 none "module_index_loop.lua:1: $B" <<'EOF'
return setmetatable({}, { __index = function() while true do end end })
EOF
pol module_params_error 1 none "module_params_error.lua:3: params boom" <<'EOF'
return setmetatable({ schedule = function(sim) return sim.best() end },
  { __index = function(t, k)
      if k == "params" then error("params boom") end
    end })
EOF
pol module_busy_error 1 none "module_busy_error.lua:3: busy boom" <<'EOF'
return setmetatable({ schedule = function(sim) return sim.best() end, params = {} },
  { __index = function(t, k)
      if k == "schedule_when_busy" then error("busy boom") end
    end })
EOF
pol mechanism_tostring 1 "$FAILED" "mechanism_tostring.lua:2: mechanism boom" <<'EOF'
local P = {}
local mech = setmetatable({}, { __tostring = function() error("mechanism boom") end })
function P.schedule(sim) return sim.best(), mech end
return P
EOF
pol mechanism_tostring_loop 1 "$FAILED" "mechanism_tostring_loop.lua:2: $B" <<'EOF'
local P = {}
local mech = setmetatable({}, { __tostring = function() while true do end end })
function P.schedule(sim) return sim.best(), mech end
return P
EOF
pol timer_result_tostring 1 "$FAILED" "timer_result_tostring.lua:3: timer boom" <<'EOF'
local P = {}
function P.init(sim) sim.timer(5) end
local bad = setmetatable({}, { __tostring = function() error("timer boom") end })
function P.on_timer(sim) return bad end
function P.schedule(sim) return sim.best() end
return P
EOF
pol error_object_tostring 1 "$FAILED" "error_object_tostring.lua:3: (error object is a table value)" <<'EOF'
local P = {}
function P.schedule(sim)
  error(setmetatable({}, { __tostring = function() while true do end end }))
end
return P
EOF
pol memory_in_load 1 none "memory_in_load.lua:2: memory ceiling of 256 MiB exceeded" <<'EOF'
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(1e6) .. i end
EOF

# ---- smaller holes: params, init, file size ------------------------------
printf 'local P = { params = { threshold = 5 } }\nfunction P.schedule(sim) return sim.best() end\nreturn P\n' > ip.lua
for v in 2.5 1.5ns 25e-1; do
  rm -f ip.db
  timeout 60 "$S" run --db ip.db --device profile:profile.csv --trace trace.csv --policy ip.lua \
    --param "threshold=$v" --quiet >/dev/null 2>ip.err
  check "int-param $v: exit status" "$?" 1
  contains "int-param $v: names the param" "$(head -n 1 ip.err)" \
    "policy 'ip' (ip.lua): param 'threshold' is an integer: '$v' has a fraction"
  check "int-param $v: nothing written" "$(db ip.db)" none
done
for v in 2.5e1 250us 1s 0.25ms; do
  rm -f ip.db
  timeout 60 "$S" run --db ip.db --device profile:profile.csv --trace trace.csv --policy ip.lua \
    --param "threshold=$v" --quiet >/dev/null 2>ip.err
  check "int-param $v: whole ns accepted" "$?" 0
done
check "int-param 0.25ms: stored as 250000 ns" \
  "$("$S" query --csv ip.db "SELECT value FROM params WHERE name = 'threshold'" | tail -n 1)" 250000

pol best_in_init 1 none "best_in_init.lua:2: sim.best cannot be called in init" <<'EOF'
local P = {}
function P.init(sim) local r = sim.best("remaining") end
function P.schedule(sim) return sim.best() end
return P
EOF
# Before the first arrival a timer may ask: no queue yet, so nothing.
printf 'arrival_ns,network\n100,A\n' > late.csv
cat > timer_best.lua <<'EOF'
local P = {}
function P.init(sim) sim.timer(0) end
function P.on_timer(sim) assert(sim.best("total") == nil and sim.best() == nil) end
function P.schedule(sim) return sim.best() end
return P
EOF
timeout 60 "$S" run --db tb.db --device profile:profile.csv --trace late.csv --policy timer_best.lua --quiet >/dev/null 2>tb.err
check "best before the first arrival: nil" "$?" 0

{ echo 'local P = { schedule = function(sim) return sim.best() end }'
  awk 'BEGIN { for (i = 0; i < 20000; i++) printf "-- %060d\n", i }'
  echo 'return P'; } > big.lua
pol_big() { timeout 60 "$S" run --db big.db --device profile:profile.csv --trace trace.csv --policy "$1" --quiet >/dev/null 2>big.err; }
pol_big big.lua
check "big policy: exit status" "$?" 1
contains "big policy: message" "$(head -n 1 big.err)" "big.lua: the policy is larger than 1024 KiB"
check "big policy: nothing written" "$(db big.db)" none
cp big.lua bigmod.lua
printf 'local M = require("bigmod")\nreturn M\n' > usebig.lua
pol_big usebig.lua
check "big module: exit status" "$?" 1
contains "big module: message" "$(head -n 1 big.err)" "usebig.lua:1: require: ./bigmod.lua: the module is larger than 1024 KiB"

# ---- experiment files ----------------------------------------------------
XB='instruction budget of 100000000 for loading the experiment file exceeded'
FIX='fixed = { device = "profile:tests/cases/profile.csv", ["trace.gen"] = "poisson", ["trace.n"] = 5 }'
exp exp_loop "exp_loop.lua:1: $XB" <<'EOF'
while true do end
EOF
exp exp_xpcall "exp_xpcall.lua:3: $XB" <<EOF
return { grid = { policy = {"np_fcfs"} }, $FIX,
  derive = function(p)
    xpcall(function() while true do end end, function() while true do end end)
  end }
EOF
exp exp_sort "exp_sort.lua:2: $XB" <<EOF
return { grid = { policy = {"np_fcfs"} }, $FIX,
  filter = function(p) table.sort({1, 2, 3}, function() while true do end end) end }
EOF
exp exp_pattern "exp_pattern.lua:2: string.match: pattern '.-.-b' on a subject of 100000 bytes" <<EOF
return { grid = { policy = {"np_fcfs"} }, $FIX,
  filter = function(p) return ("a"):rep(1e5):match(".-.-b") end }
EOF
exp exp_gc "exp_gc.lua:1: setmetatable: __gc finalizers are not allowed" <<'EOF'
local t = setmetatable({}, { __gc = function() while true do end end })
return { grid = { policy = {"np_fcfs"} } }
EOF
exp exp_memory "exp_memory.lua:2: memory ceiling of 256 MiB exceeded" <<'EOF'
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(1e6) .. i end
EOF
exp exp_index_error "exp_index_error.lua:1: file boom" <<'EOF'
return setmetatable({}, { __index = function() error("file boom") end })
EOF
exp exp_index_loop "exp_index_loop.lua:1: $XB" <<'EOF'
return setmetatable({}, { __index = function() while true do end end })
EOF
exp exp_fixed_index "exp_fixed_index.lua:2: fixed boom" <<'EOF'
return { grid = { policy = {"np_fcfs"} },
  fixed = setmetatable({}, { __index = function() error("fixed boom") end }) }
EOF
exp exp_figure_index "exp_figure_index.lua:3: figure boom" <<'EOF'
return { grid = { policy = {"np_fcfs"} },
  figures = { f = setmetatable({}, { __index = function(t, k)
    error("figure boom") end }) } }
EOF
exp exp_grid "exp_grid.lua: the grid has 1002001 points, more than the limit of 1000000" <<'EOF'
local s = {}
for i = 1, 1001 do s[i] = i end
return { grid = { seed = s, ["trace.n"] = s, policy = {"np_fcfs"} },
         fixed = { device = "profile:tests/cases/profile.csv", ["trace.gen"] = "poisson" } }
EOF
exp exp_grid_union "exp_grid_union.lua: the grid has 1080000 points, more than the limit of 1000000" <<'EOF'
local s = {}
for i = 1, 600 do s[i] = i end
return { grid = { { seed = s, ["trace.n"] = s, policy = {"np_fcfs"} },
                  { seed = s, ["trace.n"] = s, policy = {"sjf", "edf"} } },
         fixed = { device = "profile:tests/cases/profile.csv", ["trace.gen"] = "poisson" } }
EOF
{ echo 'return { grid = { policy = {"np_fcfs"} } }'; awk 'BEGIN { for (i = 0; i < 20000; i++) printf "-- %060d\n", i }'; } > exp_big.lua
timeout 60 "$S" sweep exp_big.lua --db exp_big.db --quiet >/dev/null 2>exp_big.err
check "exp_big: exit status" "$?" 1
contains "exp_big: message" "$(head -n 1 exp_big.err)" "exp_big.lua: the experiment file is larger than 1024 KiB"
check "exp_big: nothing written" "$(db exp_big.db)" none

# The report has its own budget; a failing report writes no file and leaves the runs.
cat > exp_report.lua <<EOF
return { grid = { policy = {"np_fcfs"} }, $FIX,
  report = function(q)
    local n = #q("SELECT * FROM runs")
    while true do end
  end }
EOF
printf 'return { schedule = function(sim) return sim.best() end }\n' > plain.lua
timeout 60 "$S" run --db rep.db --device profile:profile.csv --trace trace.csv --policy plain.lua --quiet >/dev/null 2>&1
timeout 60 "$S" report exp_report.lua --db rep.db --out rep.md >/dev/null 2>exp_report.err
check "exp_report: exit status" "$?" 1
contains "exp_report: message" "$(head -n 1 exp_report.err)" \
  "exp_report.lua: report failed: exp_report.lua:4: instruction budget of 100000000 for the report exceeded"
check "exp_report: no report written" "$(ls rep.md 2>/dev/null)" ""
check "exp_report: database as it was" "$(db rep.db)" "1:ok"

# No run may abort or dump core.
aborted=$(grep -l -i -e 'abort' -e 'panic' -e 'core dumped' -e 'internal error' ./*.err 2>/dev/null | tr '\n' ' ')
check "no abort, panic or internal error in any message" "$aborted" ""

echo "1..$n"
exit $((failed > 0))
