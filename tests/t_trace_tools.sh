#!/bin/sh
# The trace tools (TAP), issue 12 item 3: `trace stats` on a hand-made
# fixture against numbers worked out by hand below; `slice`, `scale` and
# `merge` against exact output rows; and each class of bad input (missing
# file, bad duration, load <= 0, unknown device, overwriting an input, a
# malformed row) with its message, its exit status, and no output left.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
. "$root/tests/tap.sh"
PROF=$root/tests/cases/profile.csv   # isolated times: A 4000, B 1000, C 6000 ns

# fails NAME WANT_EXIT WANT_FIRST_LINE CMD...: exit status and stderr's first line.
fails() {
  name=$1 want_rc=$2 want=$3
  shift 3
  "$@" >out.txt 2>err.txt
  rc=$?
  check "$name" "exit $rc: $(head -n 1 err.txt)" "exit $want_rc: $want"
}
# stat_of NAME: the value of one `stats` line.
stat_of() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' st.txt; }

# ---- stats -----------------------------------------------------------------
# Six arrivals at 0, 100, 200, 300, 1000, 1100 ms.
#   count 6; span 1100 ms; mean rate (6 - 1) / 1.1 s = 4.54545 /s.
#   gaps 100, 100, 100, 700, 100 ms: mean 220 ms; deviations -120 (x4), +480;
#   population variance (4 x 14400 + 230400) / 5 = 57600, sd 240 ms;
#   CV 240 / 220 = 1.09091; burstiness (240 - 220) / (240 + 220) = 1/23 = 0.0434783.
#   W = 1 s: (t - 1s, t] holds 4 arrivals first at t = 300 ms (0..300), and
#     never 5 (at 1000: 100..1000, at 1100: 200..1100): peak 4 /s. One
#     complete bin ([0, 1s); 1.1 s / 1 s = 1): idc undefined, "-".
#   W = 500 ms: 4 at t = 300 ms: 8 /s. Complete bins [0, 500) 4 and
#     [500, 1000) 0: mean 2, variance 4, idc 2.
#   W = 200 ms: 2 at t = 100 ms (0, 100), never 3: 10 /s. Complete bins
#     (1100 / 200 = 5): 2, 2, 0, 0, 0: mean 0.8, variance 1.6 - 0.64 = 0.96,
#     idc 1.2.
#   tenants x 3, y 3 (ties by name); networks A 3 (50%), B 2, C 1.
cat >f.csv <<'EOF'
arrival_ms,network,tenant
0,A,x
100,B,x
200,A,y
300,C,x
1000,A,y
1100,B,y
EOF
"$S" trace stats f.csv --window 1s --window 500ms --window 200ms >st.txt 2>err.txt
check "stats: exit" "$?" 0
check "stats: count" "$(stat_of count)" 6
check "stats: span" "$(stat_of span_ns)" 1100000000
check "stats: mean rate" "$(stat_of mean_rate_rps)" 4.54545
check "stats: mean gap" "$(stat_of interarrival_mean_ns)" 2.2e+08
check "stats: CV" "$(stat_of interarrival_cv)" 1.09091
check "stats: burstiness" "$(stat_of burstiness)" 0.0434783
check "stats: peak 1s" "$(stat_of 'peak_rps[1s]') / $(stat_of 'peak_count[1s]')" "4 / 4 at_ns 300000000"
check "stats: idc 1s (one bin)" "$(stat_of 'idc[1s]')" -
check "stats: peak 500ms" "$(stat_of 'peak_rps[500ms]')" 8
check "stats: idc 500ms" "$(stat_of 'idc[500ms]')" 2
check "stats: peak 200ms" "$(stat_of 'peak_rps[200ms]') / $(stat_of 'peak_count[200ms]')" \
  "10 / 2 at_ns 100000000"
check "stats: idc 200ms" "$(stat_of 'idc[200ms]')" 1.2
check "stats: tenants" "$(grep '^tenant' st.txt | tr '\n' ';')" \
  "tenants 2;tenant x 3 50.00%;tenant y 3 50.00%;"
check "stats: networks" "$(grep '^network' st.txt | tr '\n' ';')" \
  "networks 3;network A 3 50.00%;network B 2 33.33%;network C 1 16.67%;"
"$S" trace stats f.csv --top 1 >st.txt 2>&1
check "stats: --top 1" "$(grep '^tenant' st.txt | tr '\n' ';')" "tenants 2;tenant x 3 50.00%;tenant ... 1 more;"
# Default windows: only those not longer than the 1.1 s span (1ms .. 1s).
check "stats: default windows" "$(grep -c '^peak_rps' st.txt)" 4
# Evenly spaced arrivals: CV 0, burstiness -1.
printf 'arrival_ns,network\n0,A\n10,A\n20,A\n30,A\n' >even.csv
"$S" trace stats even.csv >st.txt 2>&1
check "stats: periodic" "$(stat_of interarrival_cv) $(stat_of burstiness)" "0 -1"
if command -v gnuplot >/dev/null 2>&1; then
  "$S" trace stats f.csv --plot figs/rate >st.txt 2>err.txt
  check "stats --plot: exit and files" "$? $(ls figs | tr '\n' ' ')" "0 rate.dat rate.gp rate.png rate.svg "
  "$S" trace stats f.csv --plot 'figs/a;b' >out.txt 2>err.txt
  rc=$?
  contains "stats --plot: unsafe name refused (exit $rc)" "$rc $(cat err.txt)" \
    "1 schedlab: error: --plot figs/a;b: figure name 'a;b': character 2 is not allowed"
else
  ok "# SKIP gnuplot not installed"
  ok "# SKIP gnuplot not installed"
fi

# ---- slice -----------------------------------------------------------------
# [100 ms, 1000 ms) keeps the rows at 100, 200, 300 ms (ids 1..3, the rows'
# ordinals), shifted by -100 ms; --keep-time leaves them.
"$S" trace slice f.csv --from 100ms --to 1s -o sl.csv >out.txt 2>&1
check "slice: rows" "$(cat sl.csv)" "arrival_ns,network,batch,priority,tenant,id
0,B,1,1,x,1
100000000,A,1,1,y,2
200000000,C,1,1,x,3"
check "slice: summary" "$(cat out.txt)" "wrote sl.csv: 3 requests, arrivals shifted by -100000000 ns"
check "slice: --keep-time" "$("$S" trace slice f.csv --from 100ms --to 1s --keep-time 2>/dev/null | cut -d, -f1 | tr '\n' ' ')" \
  "arrival_ns 100000000 200000000 300000000 "
# Tenant y from 0: rows at 200 and 1000 ms; --first 2 stops there.
check "slice: --tenant --first" "$("$S" trace slice f.csv --tenant y --first 2 2>/dev/null)" \
  "arrival_ns,network,batch,priority,tenant,id
0,A,1,1,y,2
800000000,A,1,1,y,4"
# Deadlines shift with their arrivals; an empty one stays empty.
printf 'arrival_ns,network,deadline_ns,workload\n1000,A,9000,w1\n3000,B,,w1\n11000,C,20000,w2\n' >d.csv
check "slice: deadlines, workload" "$("$S" trace slice d.csv --from 2us 2>/dev/null)" \
  "arrival_ns,network,batch,priority,tenant,id,deadline_ns,workload
0,B,1,1,B,1,,w1
8000,C,1,1,C,2,17000,w2"

# ---- scale -----------------------------------------------------------------
# d.csv on the profile table: isolated 4000 + 1000 + 6000 = 11000 ns over a
# span of 10000 ns: offered load 1.1. --load 0.55 doubles the gaps from the
# first arrival: 1000, 1000 + 2 x 2000 = 5000, 1000 + 2 x 10000 = 21000; the
# deadlines keep their distance (8000, 9000): 9000 and 30000.
"$S" trace scale d.csv --load 0.55 --device "profile:$PROF" -o sc.csv >out.txt 2>&1
check "scale --load: rows" "$(cat sc.csv)" "arrival_ns,network,batch,priority,tenant,id,deadline_ns,workload
1000,A,1,1,A,0,9000,w1
5000,B,1,1,B,1,,w1
21000,C,1,1,C,2,30000,w2"
contains "scale --load: summary" "$(cat out.txt)" "offered load on profile:$PROF 1.1 -> 0.55 per unit (1 unit), times x 2"
# Back to 1.1: the original arrivals.
check "scale --load: round trip" "$("$S" trace scale sc.csv --load 1.1 --device "profile:$PROF" 2>/dev/null | cut -d, -f1 | tr '\n' ' ')" \
  "arrival_ns 1000 3000 11000 "
# --factor 0.3333: 2000 x 0.3333 = 666.6 -> 667; 10000 x 0.3333 = 3333.
check "scale --factor: rounding" "$("$S" trace scale d.csv --factor 0.3333 2>/dev/null | cut -d, -f1,7 | tr '\n' ' ')" \
  "arrival_ns,deadline_ns 1000,9000 1667, 4333,13333 "

# ---- merge -----------------------------------------------------------------
# a: 0 A, 10 B, 20 A; b: 10 C, 15 A. Arrival order, a before b at 10;
# tenants from the file names; ids renumbered.
printf 'arrival_ns,network\n0,A\n10,B\n20,A\n' >a.csv
printf 'arrival_ns,network,tenant,workload\n10,C,old,w\n15,A,old,w\n' >b.csv
"$S" trace merge a.csv b.csv -o m.csv >out.txt 2>&1
check "merge: rows" "$(cat m.csv)" "arrival_ns,network,batch,priority,tenant,id,workload
0,A,1,1,a,0,
10,B,1,1,a,1,
10,C,1,1,b,2,w
15,A,1,1,b,3,w
20,A,1,1,a,4,"
check "merge: summary" "$(cat out.txt)" "wrote m.csv: 5 requests, 2 tenant(s), ids renumbered from 0"
check "merge: --tenants" "$("$S" trace merge b.csv a.csv --tenants hi,lo 2>/dev/null | cut -d, -f1,5 | tr '\n' ' ')" \
  "arrival_ns,tenant 0,lo 10,hi 10,lo 15,hi 20,lo "
# A network reference with a comma is quoted, and reads back.
printf 'arrival_ns,network\n0,"gpt2_small[prompt=4,gen=2]"\n' >g.csv
"$S" trace merge g.csv -o gm.csv >/dev/null 2>&1
check "merge: quoted network" "$(sed -n 2p gm.csv)" '0,"gpt2_small[prompt=4,gen=2]",1,1,g,0'
"$S" trace stats gm.csv >st.txt 2>&1
check "merge: reads back" "$(grep '^network ' st.txt)" "network gpt2_small[prompt=4,gen=2] 1 100.00%"

# ---- --format: a log read through a format spec ------------------------------
# The lines "T_MS user P G" of a made-up log; the spec maps them to LLM
# requests. stats sees the same numbers as on f.csv (arrivals 0 .. 1100 ms);
# slice writes the native CSV, with the network quoted.
cat >log.fmt <<'EOF'
comment  = ^#
pattern  = (?<t>\d+) (?<user>\w+) (?<p>\d+) (?<g>\d+)
arrival  = t as ms
network  = gpt2_small[prompt={p},gen={g}]
tenant   = {user}
EOF
cat >req.log <<'EOF'
# t user prompt gen
0 x 16 2
100 x 16 2
200 y 32 1
300 x 16 2
1000 y 32 1
1100 y 16 2
EOF
"$S" trace stats req.log --format ./log.fmt --window 500ms >st.txt 2>err.txt
check "format: stats" "$(stat_of count) $(stat_of span_ns) $(stat_of interarrival_cv) $(stat_of 'idc[500ms]')" \
  "6 1100000000 1.09091 2"
check "format: stats networks" "$(grep '^network' st.txt | tr '\n' ';')" \
  "networks 2;network gpt2_small[prompt=16,gen=2] 4 66.67%;network gpt2_small[prompt=32,gen=1] 2 33.33%;"
check "format: slice" "$("$S" trace slice req.log --format ./log.fmt --from 1s 2>/dev/null)" \
  'arrival_ns,network,batch,priority,tenant,id
0,"gpt2_small[prompt=32,gen=1]",1,1,y,4
100000000,"gpt2_small[prompt=16,gen=2]",1,1,y,5'
printf '0 x 16 2\nnonsense\n' >badlog.log
"$S" trace stats badlog.log --format ./log.fmt >out.txt 2>err.txt
rc=$?
contains "format: a bad line names file and line (exit $rc)" "$rc $(cat err.txt)" "1 schedlab: error: badlog.log:2:"

# ---- bad input -------------------------------------------------------------
fails "bad: missing file" 1 "schedlab: error: nosuch.csv: No such file or directory" \
  "$S" trace stats nosuch.csv
fails "bad: duration" 2 "schedlab trace: --from: '2x' is not a duration (ns, or with a unit: 500ms, 2s, 250us)" \
  "$S" trace slice f.csv --from 2x
fails "bad: empty range" 2 "schedlab trace: slice: --to must be after --from (the range is [from, to))" \
  "$S" trace slice f.csv --from 1s --to 1s
fails "bad: load 0" 2 "schedlab trace: --load: '0' is not a number > 0 (at most 1e12)" \
  "$S" trace scale d.csv --load 0 --device "profile:$PROF"
fails "bad: load < 0" 2 "schedlab trace: --load: '-1' is not a number > 0 (at most 1e12)" \
  "$S" trace scale d.csv --load -1 --device "profile:$PROF"
fails "bad: load without device" 2 "schedlab trace: scale: --load needs --device SPEC" \
  "$S" trace scale d.csv --load 1
fails "bad: unknown device" 1 "schedlab: error: unknown device 'nosuch:x' (known: profile:PATH.csv, npu:FILE.dev|npu-PRESET, gpu:FILE.dev|gpu-PRESET, cpu:FILE.dev|cpu-PRESET)" \
  "$S" trace scale d.csv --load 1 --device nosuch:x
printf 'arrival_ns,network\n1000,A\n3000,Q\n' >u.csv
fails "bad: network unknown to the device" 1 \
  "schedlab: error: u.csv:3: column 'network': unknown network 'Q' (profile table $PROF has: A, B, C)" \
  "$S" trace scale u.csv --load 1 --device "profile:$PROF" -o u_out.csv
printf 'arrival_ns,network\n5,A\n5,B\n' >flat.csv
fails "bad: no span to scale" 1 \
  "schedlab: error: flat.csv: all 2 arrivals are at 5 ns: a trace without a span has no load to scale" \
  "$S" trace scale flat.csv --load 1 --device "profile:$PROF" -o flat_out.csv
cp d.csv d_before.csv
fails "bad: overwriting the input" 1 "schedlab: error: ./d.csv: the output is the input d.csv; write elsewhere" \
  "$S" trace scale d.csv --factor 2 -o ./d.csv
check "bad: the input is untouched" "$(cmp d.csv d_before.csv && echo same)" same
fails "bad: merge over an input" 1 "schedlab: error: b.csv: the output is the input b.csv; write elsewhere" \
  "$S" trace merge a.csv b.csv -o b.csv
# A row that goes back in time, after good rows: the command fails naming it,
# and neither the output nor a temporary file is left.
printf 'arrival_ns,network\n1000,A\n3000,B\n2000,A\n' >back.csv
fails "bad: malformed row" 1 \
  "schedlab: error: back.csv:4: column 'arrival_ns': arrivals must not go backwards (2000 ns after 3000 ns)" \
  "$S" trace merge a.csv back.csv -o mb.csv
check "bad: nothing left behind" "$(ls | grep -c -e '^mb.csv' -e '^u_out' -e '^flat_out' -e '\.tmp\.')" 0
fails "bad: --tenants count" 2 "schedlab trace: merge: --tenants names 1 tenant(s) for 2 trace(s)" \
  "$S" trace merge a.csv b.csv --tenants x
fails "bad: same stem twice" 1 \
  "schedlab: error: a.csv and ./a.csv both make tenant 'a': name the tenants with --tenants a,b,..." \
  "$S" trace merge a.csv ./a.csv
fails "bad: --factor with a device" 2 "schedlab trace: scale: --factor is a plain time scaling; it takes no device" \
  "$S" trace scale d.csv --factor 2 --device "profile:$PROF"
fails "bad: unknown subcommand" 2 "schedlab trace: no subcommand 'slices' (gen, import, stats, slice, scale, merge)" \
  "$S" trace slices f.csv

# ---- LLM requests on the NPU -------------------------------------------------
# gpt2_small[prompt=128,gen=4]: the prefill's 123 segments (87 layers, 12
# attentions of 4) and one segment per decode step.
"$S" predict --device npu-prema --network 'gpt2_small[prompt=128,gen=4]' --per-layer --csv >p.csv 2>err.txt
check "predict gpt2 decode: exit" "$?" 0
check "predict gpt2 decode: segments" "$(grep -v ',total,' p.csv | grep -c '^"gpt2') $(grep -c ',decode\.' p.csv)" "127 4"

echo "1..$n"
[ "$failed" -eq 0 ]
