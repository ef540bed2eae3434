#!/bin/sh
# The Slurm job array for real (TAP): start a one-node Slurm (munged,
# slurmctld, slurmd) with a private configuration, submit what `schedlab sweep
# --emit-slurm` wrote, wait for the shards and the merge, and compare the
# merged database with an unsharded sweep. Skips, visibly, where Slurm is not
# installed or we are not root (the daemons run as root here); .ci/run
# installs Debian's slurm-wlm and munge.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
skip() { echo "1..0 # SKIP $1"; exit 0; }
for c in sbatch squeue scontrol slurmctld slurmd munged munge; do
  command -v $c >/dev/null 2>&1 || [ -x /usr/sbin/$c ] || skip "slurm not installed ($c missing; .ci/run installs slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || skip "the one-node Slurm of this test runs its daemons as root"

dir=$(mktemp -d /tmp/schedlab-slurm.XXXXXX)
host=$(hostname -s)
export SLURM_CONF="$dir/slurm.conf"
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cat >"$SLURM_CONF" <<EOF
ClusterName=schedlabtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
started_munge=
cleanup() {
  scontrol shutdown >/dev/null 2>&1
  sleep 1
  [ -f "$dir/slurmd.pid" ] && kill "$(cat "$dir/slurmd.pid")" 2>/dev/null
  [ -f "$dir/slurmctld.pid" ] && kill "$(cat "$dir/slurmctld.pid")" 2>/dev/null
  [ -n "$started_munge" ] && pkill -x munged 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom bs=128 count=1 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key 2>/dev/null; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null
  if id munge >/dev/null 2>&1; then runuser -u munge -- /usr/sbin/munged 2>/dev/null
  else /usr/sbin/munged --force 2>/dev/null; fi
  started_munge=yes
  sleep 0.5
fi
munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || skip "munged would not start"
/usr/sbin/slurmctld -f "$SLURM_CONF" || skip "slurmctld would not start"
/usr/sbin/slurmd -f "$SLURM_CONF" || skip "slurmd would not start"
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  [ $i -gt 60 ] && skip "the Slurm node never became idle: $(tail -n 3 "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  sleep 0.5
done

echo "1..3"
"$S" sweep "$root/tests/sweep/grid.lua" --db "$dir/res/grid.db" --emit-slurm --shards 3 \
  --report "$dir/res/report.md" >/dev/null
"$dir/res/grid.slurm/submit.sh" >/dev/null
i=0
while [ ! -s "$dir/res/report.md" ] && [ $i -lt 240 ]; do sleep 0.5; i=$((i + 1)); done
if [ -s "$dir/res/report.md" ]; then echo "ok 1 - slurm-1: the array ran 3 shards, the merge job ran after them"
else echo "not ok 1 - slurm-1: no merged report after 2 minutes"; squeue | sed 's/^/#   /'; tail -n 5 "$dir"/res/grid.slurm/*.out 2>/dev/null | sed 's/^/#   /'; fi
n=$("$S" query --csv "$dir/res/grid.db" "SELECT count(*) FROM runs WHERE status = 'ok'" 2>/dev/null | tail -n 1)
if [ "$n" = 10 ]; then echo "ok 2 - slurm-2: 10 runs merged"; else echo "not ok 2 - slurm-2: $n runs merged, want 10"; fi
"$S" sweep "$root/tests/sweep/grid.lua" --db "$dir/whole.db" --jobs 2 --quiet --no-report >/dev/null 2>&1
rows="SELECT r.run_key, t.seq, t.start_ns, t.finish_ns FROM runs r JOIN tasks t USING (run_id) ORDER BY 1, 2"
if [ "$("$S" query --csv "$dir/res/grid.db" "$rows" | md5sum)" = "$("$S" query --csv "$dir/whole.db" "$rows" | md5sum)" ]; then
  echo "ok 3 - slurm-3: the job array's rows equal an unsharded sweep's"
else
  echo "not ok 3 - slurm-3: the job array's rows differ from an unsharded sweep's"
fi
