/*
** test_metrics.c — metric formulas on hand-computed cases, and exact
** nearest-rank percentiles whether the records stay in memory or spill to
** the temporary file.
*/
#include "metrics.h"
#include "test.h"

#include <math.h>

static struct task_rec rec(sl_ns arrival, sl_ns finish, sl_ns iso, int prio, int workload) {
  struct task_rec r;
  memset(&r, 0, sizeof r);
  r.arrival = arrival;
  r.start = arrival;
  r.finish = finish;
  r.isolated = iso;
  r.priority = prio;
  r.workload = workload;
  r.group = workload;
  r.deadline = SL_NS_NONE;
  return r;
}

int main(void) {
  struct sl_err e;
  struct run_totals tot;
  memset(&tot, 0, sizeof tot);
  tot.n_groups = 1;

  /* metrics-1: two groups (STP and fairness are per group, then averaged).
  ** w0: r1 T=10 iso=10 p=1 (NTT 1, NP 1), r2 T=30 iso=10 p=3 (NTT 3, NP 1/3)
  ** w1: r3 T=20 iso=5 p=1 (NTT 4, NP 1/4)
  ** antt = (1 + 3 + 4)/3 = 8/3; stp = (1 + 1/3 + 1/4) / 2 workloads = 0.7916666...
  ** fairness: w0: NP/p = 1 and 1/9 -> 1/9; w1 has one request: no co-runner, left
  ** out of the mean -> 1/9
  ** sla_3: NTT <= 3 -> r1, r2: 2/3; latency nearest rank of (10,20,30): p50 = x2 = 20,
  ** p95 = x3 = 30; makespan = max f - min a = 50 - 0; busy 25 -> utilization 0.5 */
  {
    struct spool s;
    struct metric_set ms = {0};
    struct task_rec r;
    spool_init(&s, 0);
    r = rec(0, 10, 10, 1, 0); spool_add(&s, &r, &e);
    r = rec(20, 50, 10, 3, 0); spool_add(&s, &r, &e);
    r = rec(5, 25, 5, 1, 1); spool_add(&s, &r, &e);
    tot.busy = 25;
    tot.n_groups = 2;
    TEST(metrics_compute(&s, &tot, &ms, &e) == 0, "metrics-1.0: computes");
    TEST_NEAR(metrics_get(&ms, "antt", "all"), 8.0 / 3, 1e-12, "metrics-1.1: antt");
    TEST_NEAR(metrics_get(&ms, "stp", "all"), (1 + 1.0 / 3 + 0.25) / 2, 1e-12, "metrics-1.2: stp per workload");
    TEST_NEAR(metrics_get(&ms, "fairness", "all"), 1.0 / 9, 1e-12, "metrics-1.3: fairness over groups of two or more");
    TEST_NEAR(metrics_get(&ms, "sla_3", "all"), 2.0 / 3, 1e-12, "metrics-1.4: sla_3");
    TEST_NEAR(metrics_get(&ms, "sla_4", "all"), 1.0, 0, "metrics-1.5: sla_4");
    TEST_NEAR(metrics_get(&ms, "p50_latency_ns", "all"), 20, 0, "metrics-1.6: p50 latency");
    TEST_NEAR(metrics_get(&ms, "p95_latency_ns", "all"), 30, 0, "metrics-1.7: p95 latency");
    TEST_NEAR(metrics_get(&ms, "utilization", "all"), 0.5, 1e-12, "metrics-1.8: utilization");
    TEST_NEAR(metrics_get(&ms, "antt", "3"), 3, 0, "metrics-1.9: class 3 antt");
    TEST_NEAR(metrics_get(&ms, "antt", "1"), 2.5, 0, "metrics-1.10: class 1 antt");
    TEST(isnan(metrics_get(&ms, "deadline_miss_rate", "all")), "metrics-1.11: no deadlines, no row");
    TEST(isnan(metrics_get(&ms, "fairness", "1")), "metrics-1.12: fairness only for class all");
    metrics_free(&ms);
    spool_free(&s);
  }

  /* metrics-2: 10000 requests, latency i (i = 1..10000), isolated 1, so
  ** NTT = latency. Nearest rank: p50 = x5000 = 5000, p95 = x9500, p99 =
  ** x9900, p99.9 = x9990; antt = 5000.5. Inserted in a scrambled order, and
  ** once spilled (8192 records in memory) and once not. */
  for (int spill = 0; spill < 2; spill++) {
    struct spool s;
    struct metric_set ms = {0};
    spool_init(&s, spill ? 8192 : 20000);
    for (int i = 0; i < 10000; i++) {
      int v = (int)((i * 7919L) % 10000) + 1;        /* a permutation of 1..10000 */
      struct task_rec r = rec(0, v, 1, 1 + (v % 2), 0);
      spool_add(&s, &r, &e);
    }
    tot.busy = 0;
    tot.n_groups = 1;
    TEST(spill == (s.file != NULL), "metrics-2.%d.0: records %s", spill, spill ? "spilled" : "in memory");
    TEST(metrics_compute(&s, &tot, &ms, &e) == 0, "metrics-2.%d.1: computes", spill);
    TEST_NEAR(metrics_get(&ms, "p50_latency_ns", "all"), 5000, 0, "metrics-2.%d.2: p50", spill);
    TEST_NEAR(metrics_get(&ms, "p95_latency_ns", "all"), 9500, 0, "metrics-2.%d.3: p95", spill);
    TEST_NEAR(metrics_get(&ms, "p99_latency_ns", "all"), 9900, 0, "metrics-2.%d.4: p99", spill);
    TEST_NEAR(metrics_get(&ms, "p999_latency_ns", "all"), 9990, 0, "metrics-2.%d.5: p99.9", spill);
    TEST_NEAR(metrics_get(&ms, "p99_ntt", "all"), 9900, 0, "metrics-2.%d.6: p99 NTT", spill);
    TEST_NEAR(metrics_get(&ms, "antt", "all"), 5000.5, 1e-9, "metrics-2.%d.7: antt", spill);
    /* class 2 holds the odd latencies 1, 3, ..., 9999 (5000 values):
    ** p50 = x2500 = 4999, p99 = x4950 = 9899. */
    TEST_NEAR(metrics_get(&ms, "p50_latency_ns", "2"), 4999, 0, "metrics-2.%d.8: class p50", spill);
    TEST_NEAR(metrics_get(&ms, "p99_latency_ns", "2"), 9899, 0, "metrics-2.%d.9: class p99", spill);
    TEST_NEAR(metrics_get(&ms, "max_latency_ns", "1"), 10000, 0, "metrics-2.%d.10: class max", spill);
    metrics_free(&ms);
    spool_free(&s);
  }

  /* metrics-3: deadlines and an NTT with fractions: T = 7, iso = 2 -> 3.5;
  ** sla_3 = 0, sla_4 = 1; a deadline at 6 (finish 7) is missed, one at 7 is met. */
  {
    struct spool s;
    struct metric_set ms = {0};
    struct task_rec r = rec(0, 7, 2, 1, 0);
    spool_init(&s, 0);
    r.deadline = 6;
    spool_add(&s, &r, &e);
    r.deadline = 7;
    spool_add(&s, &r, &e);
    TEST(metrics_compute(&s, &tot, &ms, &e) == 0, "metrics-3.0: computes");
    TEST_NEAR(metrics_get(&ms, "sla_3", "all"), 0, 0, "metrics-3.1: sla_3");
    TEST_NEAR(metrics_get(&ms, "sla_4", "all"), 1, 0, "metrics-3.2: sla_4");
    TEST_NEAR(metrics_get(&ms, "deadline_miss_rate", "all"), 0.5, 0, "metrics-3.3: miss rate");
    TEST_NEAR(metrics_get(&ms, "p50_ntt", "all"), 3.5, 0, "metrics-3.4: p50 ntt");
    metrics_free(&ms);
    spool_free(&s);
  }
  /* metrics-4: units. Two requests, arrival 0, finish 6500 and 5000:
  ** makespan 6500. Two units busy 5000 and 6000 ns: unit:1 = 5000/6500,
  ** unit:2 = 6000/6500, all = their mean, 11000/13000 (not busy/makespan).
  ** 11000 ns of progress over 6500 ns with at least one request
  ** progressing: mean_concurrency 11000/6500. On one unit (same totals,
  ** nunits 1) no unit:N row, utilization all = busy/makespan as before;
  ** with conc_time 0 no mean_concurrency row. */
  {
    static const double busy[2] = {5000, 6000};
    struct spool s;
    struct metric_set ms = {0};
    struct task_rec r;
    spool_init(&s, 0);
    r = rec(0, 6500, 6000, 1, 0); spool_add(&s, &r, &e);
    r = rec(0, 5000, 4000, 1, 0); spool_add(&s, &r, &e);
    tot.busy = 11000;
    tot.nunits = 2;
    tot.unit_busy = busy;
    tot.conc_area = 11000;
    tot.conc_time = 6500;
    TEST(metrics_compute(&s, &tot, &ms, &e) == 0, "metrics-4.0: computes");
    TEST_NEAR(metrics_get(&ms, "utilization", "unit:1"), 5000.0 / 6500, 1e-12, "metrics-4.1: unit:1");
    TEST_NEAR(metrics_get(&ms, "utilization", "unit:2"), 6000.0 / 6500, 1e-12, "metrics-4.2: unit:2");
    TEST(isnan(metrics_get(&ms, "utilization", "unit:3")), "metrics-4.3: no unit 3");
    TEST_NEAR(metrics_get(&ms, "utilization", "all"), 11000.0 / 13000, 1e-12, "metrics-4.4: all, the mean over units");
    TEST_NEAR(metrics_get(&ms, "mean_concurrency", "all"), 11000.0 / 6500, 1e-12, "metrics-4.5: mean_concurrency");
    TEST(isnan(metrics_get(&ms, "mean_concurrency", "1")), "metrics-4.6: mean_concurrency only for class all");
    metrics_free(&ms);
    tot.nunits = 1;
    tot.busy = 5000;
    tot.conc_time = 0;
    TEST(metrics_compute(&s, &tot, &ms, &e) == 0, "metrics-4.7: computes");
    TEST(isnan(metrics_get(&ms, "utilization", "unit:1")), "metrics-4.8: one unit: no unit:N rows");
    TEST_NEAR(metrics_get(&ms, "utilization", "all"), 5000.0 / 6500, 1e-12, "metrics-4.9: one unit: busy/makespan");
    TEST(isnan(metrics_get(&ms, "mean_concurrency", "all")), "metrics-4.10: nothing progressed: no row");
    metrics_free(&ms);
    spool_free(&s);
  }
  return test_done();
}
