-- A results database of schema version 3 (schedlab before tasks.exit, tasks.accuracy,
-- tasks.accuracy_abs and tasks.dropped), for the upgrade tests in tests/t_exits.sh: two
-- runs as schedlab wrote them (P-HPF and EDF on tests/cases/profile.csv), a subset of
-- their metrics and params, without run_summary and policy_summary (rebuilt by every writer).
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES('schema_version','3');
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
INSERT INTO runs VALUES(1,'db70b44de86e7865fb9934d40adadeb7',NULL,NULL,'p_hpf','/work/main/policies_lua/p_hpf.lua','profile:/work/wt-exits/tests/cases/profile.csv','/work/wt-exits/tests/cases/sched_p_hpf_checkpoint/trace.csv',1,'ok',NULL,'v3-test','2026-01-01T00:00:00.000Z',1.0,3,11250,8,6,NULL,NULL,0);
INSERT INTO runs VALUES(2,'9edb169c1e9a06fdb1c75bf807a93cf0',NULL,NULL,'edf','/work/main/policies_lua/edf.lua','profile:/work/wt-exits/tests/cases/profile.csv','/work/wt-exits/tests/cases/sched_edf/trace.csv',1,'ok',NULL,'v3-test','2026-01-01T00:00:00.000Z',1.0,3,11032,8,7,NULL,NULL,0);
CREATE TABLE params(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value,
  PRIMARY KEY (run_id, name)) WITHOUT ROWID;
INSERT INTO params VALUES(1,'device.bandwidth_gbps',64);
INSERT INTO params VALUES(1,'device.capacity',1);
INSERT INTO params VALUES(1,'device.latency_ns',0);
INSERT INTO params VALUES(1,'device.sharing','exclusive');
INSERT INTO params VALUES(1,'device.slowdown',0);
INSERT INTO params VALUES(2,'device.bandwidth_gbps',64);
INSERT INTO params VALUES(2,'device.capacity',1);
INSERT INTO params VALUES(2,'device.latency_ns',0);
INSERT INTO params VALUES(2,'device.sharing','exclusive');
INSERT INTO params VALUES(2,'device.slowdown',0);
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
  unit INTEGER,
  migrations INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
INSERT INTO tasks VALUES(1,0,0,'A','A',1,1,0,0,11250,4000,NULL,1,250,0,7000,1,0,NULL,1,0);
INSERT INTO tasks VALUES(1,1,1,'B','B',1,9,1500,3125,4125,1000,NULL,0,0,0,0,0,0,NULL,1,0);
INSERT INTO tasks VALUES(1,2,2,'C','C',1,9,1600,4125,10125,6000,NULL,0,0,0,2525,0,0,NULL,1,0);
INSERT INTO tasks VALUES(2,0,0,'C','C',1,1,0,0,10032,6000,20000,1,32,0,4000,1,0,NULL,1,0);
INSERT INTO tasks VALUES(2,1,1,'A','A',1,1,1000,3016,7016,4000,8000,0,0,0,0,0,0,NULL,1,0);
INSERT INTO tasks VALUES(2,2,2,'B','B',1,1,1500,10032,11032,1000,30000,0,0,0,8532,0,0,NULL,1,0);
CREATE TABLE intervals(
  run_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  unit INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  share INTEGER NOT NULL,
  rate REAL NOT NULL);
CREATE TABLE metrics(
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  class TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, name, class)) WITHOUT ROWID;
INSERT INTO metrics VALUES(1,'antt','1',2.8125);
INSERT INTO metrics VALUES(1,'antt','9',2.0229166666666666962);
INSERT INTO metrics VALUES(1,'antt','all',2.2861111111111109828);
INSERT INTO metrics VALUES(1,'antt','tenant:A',2.8125);
INSERT INTO metrics VALUES(1,'antt','tenant:B',2.625);
INSERT INTO metrics VALUES(1,'antt','tenant:C',1.4208333333333333925);
INSERT INTO metrics VALUES(1,'count','1',1.0);
INSERT INTO metrics VALUES(1,'count','9',2.0);
INSERT INTO metrics VALUES(1,'count','all',3.0);
INSERT INTO metrics VALUES(1,'count','tenant:A',1.0);
INSERT INTO metrics VALUES(1,'count','tenant:B',1.0);
INSERT INTO metrics VALUES(1,'count','tenant:C',1.0);
INSERT INTO metrics VALUES(1,'utilization','all',0.9777777777777777457);
INSERT INTO metrics VALUES(2,'antt','1',4.2359999999999997655);
INSERT INTO metrics VALUES(2,'antt','all',4.2359999999999997655);
INSERT INTO metrics VALUES(2,'antt','tenant:A',1.5040000000000000035);
INSERT INTO metrics VALUES(2,'antt','tenant:B',9.5320000000000000284);
INSERT INTO metrics VALUES(2,'antt','tenant:C',1.6719999999999999307);
INSERT INTO metrics VALUES(2,'count','1',3.0);
INSERT INTO metrics VALUES(2,'count','all',3.0);
INSERT INTO metrics VALUES(2,'count','tenant:A',1.0);
INSERT INTO metrics VALUES(2,'count','tenant:B',1.0);
INSERT INTO metrics VALUES(2,'count','tenant:C',1.0);
INSERT INTO metrics VALUES(2,'deadline_miss_rate','1',0.0);
INSERT INTO metrics VALUES(2,'deadline_miss_rate','all',0.0);
INSERT INTO metrics VALUES(2,'deadline_miss_rate','tenant:A',0.0);
INSERT INTO metrics VALUES(2,'deadline_miss_rate','tenant:B',0.0);
INSERT INTO metrics VALUES(2,'deadline_miss_rate','tenant:C',0.0);
INSERT INTO metrics VALUES(2,'utilization','all',0.99709934735315441933);
CREATE TABLE baselines(
  experiment TEXT PRIMARY KEY,
  policy TEXT NOT NULL);
CREATE TABLE t975(df INTEGER PRIMARY KEY, t REAL NOT NULL);
INSERT INTO t975 VALUES(1,12.705999999999999516);
INSERT INTO t975 VALUES(2,4.302999999999999936);
INSERT INTO t975 VALUES(3,3.1819999999999999396);
INSERT INTO t975 VALUES(4,2.775999999999999801);
INSERT INTO t975 VALUES(5,2.571000000000000174);
INSERT INTO t975 VALUES(6,2.4470000000000000639);
INSERT INTO t975 VALUES(7,2.3650000000000002131);
INSERT INTO t975 VALUES(8,2.3060000000000000497);
INSERT INTO t975 VALUES(9,2.2620000000000000106);
INSERT INTO t975 VALUES(10,2.2280000000000002025);
INSERT INTO t975 VALUES(11,2.2010000000000000675);
INSERT INTO t975 VALUES(12,2.1789999999999998259);
INSERT INTO t975 VALUES(13,2.1600000000000001421);
INSERT INTO t975 VALUES(14,2.1450000000000000177);
INSERT INTO t975 VALUES(15,2.1309999999999997832);
INSERT INTO t975 VALUES(16,2.1200000000000001065);
INSERT INTO t975 VALUES(17,2.1099999999999998756);
INSERT INTO t975 VALUES(18,2.1009999999999999786);
INSERT INTO t975 VALUES(19,2.0929999999999999715);
INSERT INTO t975 VALUES(20,2.0859999999999998543);
INSERT INTO t975 VALUES(21,2.080000000000000071);
INSERT INTO t975 VALUES(22,2.0739999999999998436);
INSERT INTO t975 VALUES(23,2.0689999999999999502);
INSERT INTO t975 VALUES(24,2.0640000000000000568);
INSERT INTO t975 VALUES(25,2.0600000000000000532);
INSERT INTO t975 VALUES(26,2.0560000000000000497);
INSERT INTO t975 VALUES(27,2.0520000000000000461);
INSERT INTO t975 VALUES(28,2.0480000000000000426);
INSERT INTO t975 VALUES(29,2.0449999999999999289);
INSERT INTO t975 VALUES(30,2.0419999999999998152);
INSERT INTO t975 VALUES(40,2.0209999999999999076);
INSERT INTO t975 VALUES(60,2.0);
INSERT INTO t975 VALUES(120,1.9799999999999999822);
CREATE INDEX runs_by_key ON runs(run_key);
CREATE INDEX runs_by_point ON runs(experiment, point, seed);
CREATE UNIQUE INDEX runs_one_ok_per_key ON runs(run_key)
  WHERE status = 'ok' AND superseded = 0;
CREATE INDEX intervals_by_run ON intervals(run_id, unit, start_ns);
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
