#!/bin/sh
# Nothing from data is ever executed by a figure (TAP). Every text field that
# can reach a .gp script — series, category and heatmap values from the
# database (tenant, workload, network, policy, label, anything a merged
# shard holds), column names, titles and axis labels from the command line
# or an experiment file — is tried with strings that would run a shell
# command if gnuplot evaluated them: backquotes, a newline or CR followed
# by a '!' shell escape, system(), a quote that tries to close the literal,
# double quotes, macros, and a very long value. Each must be drawn (exit 0,
# a PNG) with the marker file never created. Figure names that leave the
# output folder and styles outside the allow-list are refused: exit status,
# message, and nothing written (no output folder, database unchanged).
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
command -v gnuplot >/dev/null 2>&1 || { echo "1..0 # SKIP gnuplot not installed (make deps)"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
M="$dir/marker"                          # what every hostile string tries to create
dev="profile:$root/traces/profiles/h100_torchvision.csv"
snapshot() { # the files under $dir with content hashes (the database by its dump)
  find . ! -name '*-wal' ! -name '*-shm' ! -name r.db | LC_ALL=C sort | while read -r f; do
    if [ -f "$f" ]; then echo "$f $(cksum < "$f")"; else echo "$f"; fi
  done
  sqlite3 r.db .dump | cksum
}

# ---- the issue's example: a tenant and a workload with a backquote ----------
printf 'arrival_ns,network,batch,priority,tenant,workload\n0,resnet50,1,1,`touch %s`,w`touch %s`\n2000,resnet18,1,1,"a\x27b",w2\n' \
  "$M" "$M" > t.csv
"$S" run --trace t.csv --policy np_fcfs --device "$dev" --db r.db --quiet >/dev/null 2>&1
"$S" plot --db r.db --sql "select arrival_ns x, finish_ns y, tenant series from tasks" --kind line --out o1 >/dev/null 2>&1
rc=$?
check "plot-safety-1.1: a backquoted tenant is plotted (exit 0)" "$rc" 0
check "plot-safety-1.2: ... and its command is not run" "$([ -e "$M" ] && echo created || echo absent)" absent
contains "plot-safety-1.3: ... it is a single-quoted title in the script" "$(cat o1/figure.gp)" "title '\`touch $M\`'"
"$S" plot --db r.db --sql "select workload, count(*) n, workload s from tasks group by workload" --kind bar --out o1b >/dev/null 2>&1
check "plot-safety-1.4: a backquoted workload as a bar category: drawn, not run" \
  "$? $([ -e "$M" ] && echo created || echo absent) $([ -s o1b/figure.png ] && echo png)" "0 absent png"

# ---- every field, several hostile values ---------------------------------------
# The values live in a table of the database, as a merged shard could bring
# them; the figure's query selects them into each role.
sqlite3 r.db "CREATE TABLE evil(id INTEGER PRIMARY KEY, what TEXT, v TEXT);
INSERT INTO evil(what, v) VALUES
  ('backquote', '\`touch $M\`'),
  ('newline then a shell escape', 'a' || char(10) || '!touch $M' || char(10) || 'set output ''$M'''),
  ('CR then a shell escape', 'a' || char(13) || '!touch $M'),
  ('system()', 'x'' . system(''touch $M'') . ''y'),
  ('double quotes around a backquote', '\"\`touch $M\`\"'),
  ('a quote and a backslash', 'a\\'' \`touch $M\` ''\\'),
  ('a macro and a pipe', '@ARG0 < touch $M | \`touch $M\`'),
  ('very long', substr(replace(hex(zeroblob(20000)), '0', 'x'), 1, 40000) || '\`touch $M\`' || char(10) || '!touch $M')"
nv=$(sqlite3 r.db "SELECT count(*) FROM evil")
before=$(snapshot)
i=1
while [ "$i" -le "$nv" ]; do
  what=$(sqlite3 r.db "SELECT what FROM evil WHERE id = $i")
  v=$(sqlite3 r.db "SELECT v FROM evil WHERE id = $i")
  alias=$(printf '%s' "$v" | sed 's/"/""/g')
  out="o_$i"
  res=""
  # series (line), with the title and axis labels from the command line; the
  # value as a y cell too (a .dat file holds numbers only: NaN)
  "$S" plot --db r.db --out "$out" --name line --kind line --title "$v" --xlabel "$v" --ylabel "$v" \
    --sql "SELECT 1 AS x, 2 AS y, v FROM evil WHERE id = $i UNION ALL SELECT 2, 3, v FROM evil WHERE id = $i
           UNION ALL SELECT 3, v, v FROM evil WHERE id = $i" \
    >/dev/null 2>"$out.err"
  res="$res $?"
  # a bar category, and the y column named by the value (the key and y label)
  "$S" plot --db r.db --out "$out" --name bar --kind bar \
    --sql "SELECT v AS category, 5 AS \"$alias\" FROM evil WHERE id = $i" >/dev/null 2>>"$out.err"
  res="$res $?"
  # heatmap axes and the z column's name (the colour bar's label)
  "$S" plot --db r.db --out "$out" --name heat --kind heatmap \
    --sql "SELECT v AS x, v || '2' AS y, 1 AS \"$alias\" FROM evil WHERE id = $i" >/dev/null 2>>"$out.err"
  res="$res $?"
  # cdf series
  "$S" plot --db r.db --out "$out" --name cdf --kind cdf \
    --sql "SELECT 1 AS val, v FROM evil WHERE id = $i UNION ALL SELECT 2, v FROM evil WHERE id = $i" \
    >/dev/null 2>>"$out.err"
  res="$res $?"
  check "plot-safety-2.$i: $what: line, bar, heatmap, cdf all drawn (exit 0)" "$res" " 0 0 0 0"
  check "plot-safety-2.$i: $what: four PNGs" \
    "$(ls "$out"/*.png 2>/dev/null | wc -l | tr -d ' ')" 4
  check "plot-safety-2.$i: $what: nothing executed" "$([ -e "$M" ] && echo created || echo absent)" absent
  check "plot-safety-2.$i: $what: no text from the data in a .dat file outside comments" \
    "$(cat "$out"/*.dat | grep -v '^#' | grep -c -e touch -e xxx)" 0
  rm -f "$M"
  # the same strings as an experiment file's title and labels (a Lua string
  # of decimal escapes, byte for byte)
  lua=$(printf '%s' "$v" | od -An -v -tu1 | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//; s/ /\\/g')
  cat > "x$i.lua" <<EOF
local f = "\\$lua"
return { name = "x$i", grid = { policy = {"np_fcfs"} }, fixed = { trace = "$dir/t.csv", device = "$dev" },
  figures = { f = { kind = "line", title = f, xlabel = f, ylabel = f,
                    sql = "SELECT arrival_ns, finish_ns, tenant FROM tasks" } } }
EOF
  "$S" plot "x$i.lua" --db r.db --out "xo_$i" >/dev/null 2>"xo_$i.err"
  rc=$?
  check "plot-safety-3.$i: $what: experiment title/labels drawn, nothing executed" \
    "$rc $([ -e "$M" ] && echo created || echo absent) $([ -s "xo_$i/f.png" ] && echo png)" "0 absent png"
  rm -rf "$out" "$out.err" "x$i.lua" "xo_$i" "xo_$i.err" "$M"
  i=$((i + 1))
done
check "plot-safety-2.9: the database and the folder are as they were" "$(snapshot)" "$before"

# ---- figure names: never outside the output folder -----------------------------
mkdir sub
before=$(snapshot)
for name in "../escape" "sub/../../escape" "/tmp/escape" "a/b" "" ".hidden" "-x" "a..b" "x y" \
            "a\`touch $M\`" "$(printf 'a\nb')" "$(printf '%0200d' 0)"; do
  out=$("$S" plot --db r.db --out sub/o --name "$name" --kind line \
        --sql "SELECT 1, 2" 2>&1 >/dev/null)
  rc=$?
  shown=$(printf '%s' "$name" | tr '\n' '~' | cut -c 1-30)
  check "plot-safety-4: --name '$shown' refused as a usage error" "$rc" 2
  contains "plot-safety-4: --name '$shown': message says why" "$out" "figure"
  # the same name as an experiment figure's key
  cat > names.lua <<EOF
return { name = "names", grid = { policy = {"np_fcfs"} }, fixed = { trace = "t.csv", device = "$dev" },
  figures = { [ [==[$name]==] ] = { kind = "line", sql = "SELECT 1, 2" } } }
EOF
  out=$("$S" plot names.lua --db r.db --out sub/o 2>&1 >/dev/null)
  rc=$?
  check "plot-safety-4: figure key '$shown' refused (exit 1)" "$rc" 1
  contains "plot-safety-4: figure key '$shown': message names the file" "$out" "names.lua:"
  rm -f names.lua
done
check "plot-safety-4.9: nothing written, nothing executed" "$(snapshot)" "$before"
check "plot-safety-4.10: no file outside the output folder" "$([ -e escape ] || [ -e ../escape ] || [ -e /tmp/escape ] && echo yes || echo no)" no

# ---- styles: an allow-list of settings ------------------------------------------
good() { # a style that must be accepted and drawn
  cat > st.lua <<EOF
return { name = "st", grid = { policy = {"np_fcfs"} }, fixed = { trace = "t.csv", device = "$dev" },
  figures = { fig = { kind = "line", sql = "SELECT 1, 2 UNION ALL SELECT 2, 30", style = [==[$1]==] } } }
EOF
  "$S" plot st.lua --db r.db --out so >/dev/null 2>&1
  check "plot-safety-5: style accepted: $(printf '%s' "$1" | tr '\n' '~')" "$? $([ -s so/fig.png ] && echo png)" "0 png"
  rm -rf so st.lua
}
good "set yrange [0:1.05]"
good "set logscale y
set yrange [0.1:*]"
good "set key left top box; set format y '%.0f%%'"
good "set xtics ('low' 1, 'high' 2) rotate by -30"
good "set title 'a \`backquote\` in single quotes is text'"
before=$(snapshot)
bad() { # bad STYLE WANT-IN-MESSAGE
  cat > st.lua <<EOF
return { name = "st", grid = { policy = {"np_fcfs"} }, fixed = { trace = "t.csv", device = "$dev" },
  figures = { fig = { kind = "line", sql = "SELECT 1, 2", style = [==[$1]==] } } }
EOF
  out=$("$S" plot st.lua --db r.db --out so 2>&1 >/dev/null)
  rc=$?
  shown=$(printf '%s' "$1" | tr '\n' '~' | cut -c 1-40)
  check "plot-safety-6: style refused (exit 1): $shown" "$rc" 1
  contains "plot-safety-6: message names file and figure: $shown" "$out" "st.lua: figure 'fig': style: $2"
  out=$("$S" plot --db r.db --out so --kind line --sql "SELECT 1, 2" --style "$1" 2>&1 >/dev/null)
  check "plot-safety-6: --style refused as a usage error: $shown" "$?" 2
  out=$("$S" sweep st.lua --db sweep.db --dry-run 2>&1 >/dev/null)
  check "plot-safety-6: the sweep refuses the file up front: $shown" "$?" 1
  rm -f st.lua
}
bad "set title \"\`touch $M\`\"" "double-quoted strings are not allowed"
bad "set title \`touch $M\`" "character '\`' is not allowed"
bad "set xrange [0:1]
!touch $M" "each line starts with 'set' or 'unset'"
bad "set xrange [0:1] !touch $M" "character '!' is not allowed"
bad "set label system('touch $M')" "'system' is not an allowed"
bad "set output '$M'" "'output' is not an allowed"
bad "set print '| touch $M'" "'print' is not an allowed"
bad "set xrange [0:1]; shell" "'shell' is not an allowed"
bad "load '$M.gp'" "'load' is not an allowed"
bad "call '$M.gp'" "'call' is not an allowed"
bad "set table '$M'" "'table' is not an allowed"
bad "plot '< touch $M'" "'plot' is not an allowed"
bad "set terminal png" "'terminal' is not an allowed"
bad "a = 1" "'a' is not an allowed"
bad "set xrange [0:1] = 1" "character '=' is not allowed"
bad "set title @x" "character '@' is not allowed"
bad "set title 'x' . value('y')" "'value' is not an allowed"
bad "set title 'unterminated" "unterminated string"
bad "set yrange [0:1] $(printf '\001')" "character 0x01 is not allowed"
check "plot-safety-6.99: nothing written, nothing executed, no database made" "$(snapshot)" "$before"
check "plot-safety-7: the marker was never created" "$([ -e "$M" ] && echo created || echo absent)" absent
echo "1..$n"
[ "$failed" -eq 0 ]
