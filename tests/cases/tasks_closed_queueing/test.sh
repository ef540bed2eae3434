# Closed-loop queueing checks on one server of fixed service S = 1000 ns,
# think Z = 500 ns, horizon H = 1 ms (1,000,000 ns).
# N = 1: the request never waits; issue k at k(S + Z) = 1500k while
#   < H: k = 0..666, 667 requests, each starts on issue and ends S later:
#   throughput 1/(S + Z), as the interactive response time law says.
# N = 2: the server saturates (N/(S+Z) = 2/1500 > 1/S): request j runs
#   [1000j, 1000j + 1000]; j >= 2 issues when j - 2 completes plus Z, at
#   1000j - 500, while < H: j = 0..1000, 1001 requests. Response R = 1500
#   for j >= 2, and N = X (R + Z) = (1/1000)(1500 + 500) = 2 (Little).
run_ok --tasks loop.tasks --tasks-param N=1 --policy np_fcfs
"$SCHEDLAB" query --csv "$DB" "SELECT count(*) AS n, sum(arrival_ns != task_id * 1500) AS off_grid,
  sum(start_ns != arrival_ns) AS waited, sum(finish_ns - arrival_ns != 1000) AS not_s,
  max(arrival_ns) AS last_issue FROM tasks WHERE run_id = 1"
run_ok --tasks loop.tasks --tasks-param N=2 --policy np_fcfs
"$SCHEDLAB" query --csv "$DB" "SELECT count(*) AS n, sum(start_ns != task_id * 1000) AS idle_gaps,
  sum(finish_ns - start_ns != 1000) AS not_s, max(arrival_ns) AS last_issue,
  (SELECT avg(finish_ns - arrival_ns) FROM tasks WHERE run_id = 2 AND task_id >= 2) AS mean_r,
  (SELECT sum(arrival_ns != task_id * 1000 - 500) FROM tasks WHERE run_id = 2 AND task_id >= 2)
    AS off_grid FROM tasks WHERE run_id = 2"
"$SCHEDLAB" query --csv "$DB" "SELECT run_id, name, value FROM params WHERE name = 'tasks.N'
  ORDER BY run_id"
