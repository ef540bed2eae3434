# trace gen workload=LABEL writes a workload column with that label on every
# row, and the run then takes STP and fairness over the whole trace as one
# group. Seed 1 puts the three A requests (isolated 4000 ns each) at 0,
# 278587 and 717690 ns: each finds the device idle, so without the label they
# are three busy periods (groups 3, stp = mean of three NP = 1 = 1.0), with it
# one workload (groups 1, stp = 1 + 1 + 1 = 3, fairness 1: every NP/p is 1).
# Same rows otherwise.
gen() { "$SCHEDLAB" trace gen uniform n=3 window=1ms first_at_zero=true networks=A seed=1 \
  --device "profile:$PROFILE" "$@"; }
gen workload=w7 --out "$tmp/w.csv" | sed "s|$tmp/||"
gen --out "$tmp/p.csv" >/dev/null
cat "$tmp/w.csv"
cut -d, -f1-5 "$tmp/w.csv" | cmp -s - "$tmp/p.csv" && echo "same rows without the column"
run_ok --trace "$tmp/w.csv" --policy np_fcfs
metric all groups stp fairness
run_ok --trace "$tmp/p.csv" --policy np_fcfs
metric all groups stp
# A label that would break the CSV is refused; nothing is written.
gen workload=a,b --out "$tmp/bad.csv"
echo "exit $?"
ls "$tmp"/bad.csv* 2>/dev/null | wc -l
