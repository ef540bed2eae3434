# Chunks, exits and drops on a profile table (exits.csv; see its comments).
PROFILE=exits.csv
#
# Chunk rounding (P-HPF, CHECKPOINT). A (priority 1) runs from 0; B
# (priority 9) arrives at 500. A is in a1 (0-1000), which ends no chunk: the
# checkpoint runs on to the next chunk end, the end of a2, 3000, and saves
# the 8000 bytes live there: 2000 ns, to 5000. B runs 5000-6000; A restores
# 2000 (6000-8000) and runs a3, 8000-9000. Overhead 4000.
run_ok --trace chunk.csv --policy p_hpf
tasks
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, exit, accuracy, accuracy_abs, dropped FROM tasks
  WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
#
# Exits (policy.lua, FIFO). E0 arrives at 0 and runs its top path (4500).
# At 100 E1 arrives: the policy moves E1 (queued) to exit 1, then E0
# (running, 100 ns done, before the end of e2 at 2000: usable) to exit 1:
# E0's end moves from 4500 to 2300. E1 runs 2300-4600 through exit 1.
# At 100: E1 executed 0, remaining 2300; E0 executed 100, remaining 2200;
# both in chunk 1 (e1), accuracy 0.8, isolated 4500 (the top path).
# At 4400 E2 arrives: E1 has done 2100 ns, past e2's end (2000): it runs
# exit 1's head, chunk 3 of its path (e1, e2, exit:1), remaining 200. Exit 2
# is no longer usable: sim.set_exit fails with the message. E2 is dropped:
# it has a row without start or finish.
# Rows: E0 and E1 finished (no deadline: met) through exit 1: accuracy
# 0.8 / 0.9, 80 absolute; E2 dropped on the top exit: 0, 0, dropped 1.
run_ok --trace exits_trace.csv --policy policy.lua --log "$DB.log"
cat "$DB.log"
tasks
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, exit, accuracy, accuracy_abs, dropped FROM tasks
  WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
