-- A results database of schema version 1 (schedlab before runs.superseded),
-- for the upgrade tests in tests/t_store.sh: the version-1 schema as it was
-- written, then runs chosen so that every rule of the upgrade shows:
--   runs 1, 2: one key (k1) stored twice, experiment e, point policy=fifo, seed 1
--   run 3: a newer key (k2) of the same grid point and seed: supersedes 1 and 2
--   run 4: seed 2 of the same point: current
--   run 5: a failed run: never superseded
--   runs 6, 7: a plain run (no experiment) stored twice in the same second:
--              the larger run_id is the later one
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs(
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
  trace_origin TEXT);
CREATE INDEX IF NOT EXISTS runs_by_key ON runs(run_key);
CREATE TABLE IF NOT EXISTS params(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value,
  PRIMARY KEY (run_id, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks(
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
CREATE TABLE IF NOT EXISTS metrics(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  class TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, name, class)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS baselines(
  experiment TEXT PRIMARY KEY,
  policy TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS t975(df INTEGER PRIMARY KEY, t REAL NOT NULL);
INSERT OR IGNORE INTO t975 VALUES (1,12.706),(2,4.303),(3,3.182),(4,2.776),(5,2.571),
  (6,2.447),(7,2.365),(8,2.306),(9,2.262),(10,2.228),(11,2.201),(12,2.179),(13,2.160),
  (14,2.145),(15,2.131),(16,2.120),(17,2.110),(18,2.101),(19,2.093),(20,2.086),
  (21,2.080),(22,2.074),(23,2.069),(24,2.064),(25,2.060),(26,2.056),(27,2.052),
  (28,2.048),(29,2.045),(30,2.042),(40,2.021),(60,2.000),(120,1.980);
CREATE VIEW IF NOT EXISTS run_metrics AS
  SELECT r.run_id, r.experiment, r.policy, r.device, r.trace, r.seed, r.point,
         m.name AS metric, m.class, m.value
  FROM runs r JOIN metrics m ON m.run_id = r.run_id WHERE r.status = 'ok';
CREATE VIEW IF NOT EXISTS policy_summary AS
  SELECT s.experiment, s.policy, s.device, s.point, s.metric, s.class, s.n, s.mean, s.sd,
         s.sd * coalesce((SELECT t FROM t975 WHERE df <= s.n - 1 ORDER BY df DESC LIMIT 1), 1.96)
           / sqrt(s.n) AS ci95
  FROM (SELECT experiment, policy, device, point, metric, class, count(*) AS n,
               avg(value) AS mean,
               CASE WHEN count(*) > 1 THEN sqrt(max(0, (sum(value * value)
                 - count(*) * avg(value) * avg(value)) / (count(*) - 1))) END AS sd
        FROM run_metrics GROUP BY experiment, policy, device, point, metric, class) s;
CREATE VIEW IF NOT EXISTS vs_baseline AS
  SELECT a.run_id, a.experiment, a.policy, a.point, a.seed, a.metric, a.class,
         a.value, b.value AS baseline_value, bl.policy AS baseline,
         CASE WHEN b.value != 0 THEN a.value / b.value END AS ratio
  FROM run_metrics a JOIN baselines bl ON bl.experiment = a.experiment
  JOIN run_metrics b ON b.experiment = a.experiment AND b.policy = bl.policy
    AND b.trace = a.trace AND b.device = a.device AND b.seed = a.seed
    AND b.metric = a.metric AND b.class = a.class;
INSERT OR IGNORE INTO meta VALUES ('schema_version', '1');

INSERT INTO runs(run_id, run_key, experiment, label, policy, policy_path, device, trace, seed,
  status, error, engine_version, started_at, wall_ms, n_tasks, sim_end_ns, events, hook_calls,
  point, trace_origin) VALUES
 (1, 'k1', 'e', NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v1', '2026-01-01T00:00:00Z', 1.5, 0, 500, 10, 5, 'policy=fifo', NULL),
 (2, 'k1', 'e', NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v1', '2026-01-02T00:00:00Z', 1.5, 0, 500, 10, 5, 'policy=fifo', NULL),
 (3, 'k2', 'e', NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v1', '2026-01-03T00:00:00Z', 1.5, 2, 500, 10, 5, 'policy=fifo', NULL),
 (4, 'k3', 'e', NULL, 'fifo', NULL, 'dev', 't.csv', 2, 'ok', NULL, 'v1', '2026-01-01T12:00:00Z', 1.5, 0, 500, 10, 5, 'policy=fifo', NULL),
 (5, 'k4', 'e', NULL, 'fifo', NULL, 'dev', 't.csv', 3, 'failed', 'boom', 'v1', '2026-01-04T00:00:00Z', 1.5, NULL, 0, 0, 0, 'policy=fifo', NULL),
 (6, 'k5', NULL, NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v1', '2026-01-05T00:00:00Z', 1.5, 1, 500, 10, 5, NULL, NULL),
 (7, 'k5', NULL, NULL, 'fifo', NULL, 'dev', 't.csv', 1, 'ok', NULL, 'v1', '2026-01-05T00:00:00Z', 1.5, 1, 500, 10, 5, NULL, NULL);
INSERT INTO metrics(run_id, name, class, value) VALUES
 (1, 'antt', 'all', 2.0), (2, 'antt', 'all', 2.0), (3, 'antt', 'all', 3.0), (3, 'x', 'all', 0.1),
 (4, 'antt', 'all', 5.0), (6, 'antt', 'all', 12345678901.0), (7, 'antt', 'all', 12345678901.0);
INSERT INTO params(run_id, name, value) VALUES (3, 'trace.load', 0.9), (4, 'trace.load', 0.9);
INSERT INTO tasks(run_id, seq, task_id, tenant, network, batch, priority, arrival_ns, start_ns,
  finish_ns, isolated_ns, deadline_ns, preemptions, overhead_ns, wasted_ns, waited_ns, checkpoints,
  kills, workload) VALUES
 (3, 0, 10, 'a', 'A', 1, 1, 100, 150, 350, 200, NULL, 0, 0, 0, 50, 0, 0, NULL),
 (3, 1, 11, 'a', 'A', 1, 1, 200, NULL, NULL, 200, NULL, 0, 0, 0, 0, 0, 0, NULL),
 (6, 0, 1, NULL, 'A', 1, 1, 0, 0, 12345678901, 12345678901, NULL, 0, 0, 0, 0, 0, 0, NULL),
 (7, 0, 1, NULL, 'A', 1, 1, 0, 0, 12345678901, 12345678901, NULL, 0, 0, 0, 0, 0, 0, NULL);
INSERT INTO baselines VALUES ('e', 'fifo');
