-- A results database of schema version 2 (schedlab before tasks.unit,
-- tasks.migrations and the intervals table), for the upgrade tests in
-- tests/t_intervals.sh: the version-2 tables, indexes and fixed views as
-- schedlab wrote them (run_summary and policy_summary, rebuilt by every
-- writer, are left out), then:
--   run 1: a successful plain run with two requests: task 10 ran
--          (start 0), task 11 never did (start NULL); one metric, one param
--   run 2: a failed run (no tasks)
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE runs(
  run_id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL,
  experiment TEXT,
  label TEXT,
  policy TEXT NOT NULL,
  policy_path TEXT,
  device TEXT NOT NULL,
  trace TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error TEXT,
  engine_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  wall_ms REAL,
  n_tasks INTEGER,
  sim_end_ns INTEGER,
  events INTEGER,
  hook_calls INTEGER,
  point TEXT,
  trace_origin TEXT,
  superseded INTEGER NOT NULL DEFAULT 0);
CREATE INDEX runs_by_key ON runs(run_key);
CREATE INDEX runs_by_point ON runs(experiment, point, seed);
CREATE UNIQUE INDEX runs_one_ok_per_key ON runs(run_key)
  WHERE status = 'ok' AND superseded = 0;
CREATE TABLE params(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value,
  PRIMARY KEY (run_id, name)) WITHOUT ROWID;
CREATE TABLE tasks(
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  tenant TEXT,
  network TEXT NOT NULL,
  batch INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  arrival_ns INTEGER NOT NULL,
  start_ns INTEGER,
  finish_ns INTEGER,
  isolated_ns INTEGER NOT NULL,
  deadline_ns INTEGER,
  preemptions INTEGER NOT NULL,
  overhead_ns INTEGER NOT NULL,
  wasted_ns INTEGER NOT NULL,
  waited_ns INTEGER NOT NULL,
  checkpoints INTEGER NOT NULL,
  kills INTEGER NOT NULL,
  workload TEXT,
  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE TABLE metrics(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  class TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, name, class)) WITHOUT ROWID;
CREATE TABLE baselines(
  experiment TEXT PRIMARY KEY,
  policy TEXT NOT NULL);
CREATE TABLE t975(df INTEGER PRIMARY KEY, t REAL NOT NULL);
CREATE VIEW run_metrics AS
  SELECT r.run_id, r.experiment, r.policy, r.device, r.trace, r.seed, r.point,
         m.name AS metric, m.class, m.value
  FROM runs r JOIN metrics m ON m.run_id = r.run_id
  WHERE r.status = 'ok' AND r.superseded = 0;
CREATE VIEW task_times AS
  SELECT t.*, t.finish_ns - t.arrival_ns AS latency_ns FROM tasks t;
CREATE VIEW vs_baseline AS
  SELECT a.run_id, a.experiment, a.policy, a.point, a.seed, a.metric, a.class,
         a.value, b.value AS baseline_value, bl.policy AS baseline,
         CASE WHEN b.value != 0 THEN a.value / b.value END AS ratio
  FROM run_metrics a JOIN baselines bl ON bl.experiment = a.experiment
  JOIN run_metrics b ON b.experiment = a.experiment AND b.policy = bl.policy
    AND b.trace = a.trace AND b.device = a.device AND b.seed = a.seed
    AND b.metric = a.metric AND b.class = a.class;
INSERT INTO t975 VALUES (1,12.706),(2,4.303),(3,3.182),(4,2.776),(5,2.571),
  (6,2.447),(7,2.365),(8,2.306),(9,2.262),(10,2.228),(11,2.201),(12,2.179),(13,2.160),
  (14,2.145),(15,2.131),(16,2.120),(17,2.110),(18,2.101),(19,2.093),(20,2.086),
  (21,2.080),(22,2.074),(23,2.069),(24,2.064),(25,2.060),(26,2.056),(27,2.052),
  (28,2.048),(29,2.045),(30,2.042),(40,2.021),(60,2.000),(120,1.980);
INSERT INTO meta VALUES ('schema_version', '2');

INSERT INTO runs(run_id, run_key, experiment, label, policy, policy_path, device, trace, seed,
  status, error, engine_version, started_at, wall_ms, n_tasks, sim_end_ns, events, hook_calls,
  point, trace_origin, superseded) VALUES
 (1, 'k1', NULL, NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v2', '2026-02-01T00:00:00.000Z', 1.5, 2, 500, 10, 5, NULL, NULL, 0),
 (2, 'k2', NULL, NULL, 'fifo', NULL, 'dev', 't.csv', 2, 'failed', 'boom', 'v2', '2026-02-02T00:00:00.000Z', 1.5, NULL, 0, 0, 0, NULL, NULL, 0);
INSERT INTO metrics(run_id, name, class, value) VALUES (1, 'antt', 'all', 1.5);
INSERT INTO params(run_id, name, value) VALUES (1, 'limit.max_events', 0);
INSERT INTO tasks(run_id, seq, task_id, tenant, network, batch, priority, arrival_ns, start_ns,
  finish_ns, isolated_ns, deadline_ns, preemptions, overhead_ns, wasted_ns, waited_ns, checkpoints,
  kills, workload) VALUES
 (1, 0, 10, 'a', 'A', 1, 1, 0, 0, 200, 200, NULL, 0, 0, 0, 0, 0, 0, NULL),
 (1, 1, 11, 'a', 'A', 1, 1, 100, NULL, NULL, 200, NULL, 0, 0, 0, 0, 0, 0, NULL);
