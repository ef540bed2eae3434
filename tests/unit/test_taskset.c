/*
** test_taskset.c — the task-set parser and release generator on their own:
** exact periodic releases with phase, the jitter bounds, determinism and
** clamp rule, Poisson mean rate, count and horizon caps, closed-loop
** re-arming (max(done + think, last issue + period)), tie order, and one
** message per error class. Writes small files in the current folder.
*/
#include "taskset.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

static const char *write_file(const char *name, const char *text) {
  FILE *f = fopen(name, "w");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  return name;
}

static int load(struct taskset *ts, const char *text, const struct kv *over, size_t nover,
                struct sl_err *e) {
  const char *p = write_file("t.tasks", text);
  if (!p) return sl_errf(e, "cannot write t.tasks");
  return taskset_load(ts, p, over, nover, e);
}

/* Load `text` expecting an error; return its message (static). */
static const char *load_err(const char *text, const struct kv *over, size_t nover) {
  static struct sl_err e;
  struct taskset ts;
  if (load(&ts, text, over, nover, &e) == 0) {
    taskset_free(&ts);
    return "(no error)";
  }
  return e.msg;
}

/* All releases of a task set (no closed loops re-arming). */
static size_t drain(struct tsgen *g, struct ts_release *out, size_t cap) {
  size_t n = 0;
  while (tsgen_peek(g) != SL_NS_NONE) {
    struct ts_release r;
    tsgen_take(g, &r);
    if (n < cap) out[n] = r;
    n++;
  }
  return n;
}

#define NR 4096

static void periodic_exact(void) {
  struct taskset ts;
  struct tsgen g;
  struct sl_err e;
  struct ts_release r[NR];
  size_t n;
  /* Task a: nominal releases 2.5 + 10k ms for k = 0..4 (< 50 ms), deadline
  ** +8 ms. Task b: phase 0, period 25 ms, count 1: only t = 0. */
  int rc = load(&ts, "param P=10000\nset horizon_s=0.05\n"
                     "task a network=A period_us=${P} phase_us=2500 deadline_us=8000\n"
                     "task b network=B period_us=25000 count=1 priority=3 batch=2 app=x\n",
                NULL, 0, &e);
  TEST(rc == 0, "ts-1: a valid task set loads (%s)", rc ? e.msg : "ok");
  if (rc) return;
  TEST_EQ_I64(ts.n, 2, "ts-2: two tasks");
  TEST(ts.has_app, "ts-3: app= is noted");
  TEST_EQ_I64(ts.tasks[1].priority * 10 + ts.tasks[1].batch, 32, "ts-4: priority 3, batch 2");
  if (tsgen_init(&g, &ts, 1, &e) < 0) { TEST(0, "tsgen_init: %s", e.msg); taskset_free(&ts); return; }
  n = drain(&g, r, NR);
  TEST_EQ_I64(n, 6, "ts-5: 5 releases of a (2.5..42.5 ms) and 1 of b (count=1)");
  if (n == 6) {
    static const sl_ns want[6] = {0, 2500000, 12500000, 22500000, 32500000, 42500000};
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= r[i].release == want[i];
    TEST(ok, "ts-6: releases at 0 (b), then 2.5, 12.5, 22.5, 32.5, 42.5 ms (a), exact");
    TEST(r[0].task == 1 && r[0].deadline == SL_NS_NONE && r[1].task == 0 &&
             r[1].deadline == 10500000,
         "ts-7: b has no deadline; a's deadline = release + 8 ms");
  }
  tsgen_free(&g);
  taskset_free(&ts);
}

static void ties_and_caps(void) {
  struct taskset ts;
  struct tsgen g;
  struct sl_err e;
  struct ts_release r[NR];
  size_t n;
  /* Same period and phase: at every instant the file order (y before x)
  ** decides. Horizon 3 ms exactly: nominal 0, 1, 2 ms; 3 ms is excluded. */
  int rc = load(&ts, "task y network=A period_us=1000 horizon_s=0.003\n"
                     "task x network=A period_us=1000 horizon_s=0.003\n", NULL, 0, &e);
  TEST(rc == 0, "ts-8: loads (%s)", rc ? e.msg : "ok");
  if (rc) return;
  if (tsgen_init(&g, &ts, 7, &e) == 0) {
    n = drain(&g, r, NR);
    TEST(n == 6 && r[0].task == 0 && r[1].task == 1 && r[4].task == 0 && r[5].task == 1 &&
             r[5].release == 2000000,
         "ts-9: 3 releases each, [0, horizon) excludes 3 ms; ties in file order (y, x)");
    tsgen_free(&g);
  }
  taskset_free(&ts);
}

static void jitter(void) {
  struct taskset ts;
  struct tsgen g, g2;
  struct sl_err e;
  static struct ts_release r[NR], r2[NR];
  size_t n, n2;
  int inb = 1, mult = 1, dl = 1, same = 1, differs = 0, order = 1;
  int64_t clamped = 0, at_phase = 0;
  int rc = load(&ts, "task j network=A period_us=33333.333 jitter_us=1000 deadline_us=20000 "
                     "horizon_s=10\n", NULL, 0, &e);
  TEST(rc == 0, "ts-10: loads (%s)", rc ? e.msg : "ok");
  if (rc) return;
  if (tsgen_init(&g, &ts, 5, &e) < 0 || tsgen_init(&g2, &ts, 5, &e) < 0) return;
  n = drain(&g, r, NR);
  n2 = drain(&g2, r2, NR);
  /* Nominal k*33,333,333 ns < 10 s: k = 0..300 (300 * 33333333 = 9,999,999,900). */
  TEST_EQ_I64(n, 301, "ts-11: 301 nominal releases in [0, 10 s), whatever the jitter");
  for (size_t i = 0; i < n && i < NR; i++) {
    sl_ns nominal = (sl_ns)i * 33333333, off = r[i].release - nominal;
    inb &= off >= -1000000 && off <= 1000000 && r[i].release >= 0;
    mult &= off % 1000 == 0;
    dl &= r[i].deadline == r[i].release + 20000000;
    same &= n2 == n && r2[i].release == r[i].release;
    order &= i == 0 || r[i].release >= r[i - 1].release;
  }
  TEST(inb, "ts-12: every offset in [-1000, +1000] us, no release negative");
  TEST(mult, "ts-13: offsets are whole microseconds");
  TEST(dl, "ts-14: the deadline moves with the release (relative deadline kept)");
  TEST(same, "ts-15: the same seed gives the same releases");
  TEST(order, "ts-16: releases stay in order");
  tsgen_free(&g);
  tsgen_free(&g2);
  if (tsgen_init(&g, &ts, 6, &e) == 0) {
    n2 = drain(&g, r2, NR);
    for (size_t i = 0; i < n && i < n2; i++) differs |= r2[i].release != r[i].release;
    TEST(differs, "ts-17: another seed gives other offsets");
    tsgen_free(&g);
  }
  taskset_free(&ts);
  /* The clamp rule on the first release, nominal 500 us, j = 1000 us:
  ** offsets -1000..-501 (500 of the 2001) would make it negative and become
  ** 0, so the release is exactly 500 us with probability 501/2001 (the
  ** offset 0 included), against 1/2001 without the clamp. Over 2000 seeds:
  ** expected 500.7, sd sqrt(2000 * 0.25 * 0.75) = 19.4; without the clamp
  ** about 1. The bounds [400, 600] are 5 sd wide. */
  rc = load(&ts, "task c network=A period_us=10000 phase_us=500 jitter_us=1000 horizon_s=0.001\n",
            NULL, 0, &e);
  if (rc) { TEST(0, "clamp set: %s", e.msg); return; }
  for (uint64_t seed = 1; seed <= 2000; seed++) {
    if (tsgen_init(&g, &ts, seed, &e) < 0) break;
    n = drain(&g, r, NR);
    if (n != 1 || r[0].release < 0) clamped = -1000000;
    else if (r[0].release == 500000) at_phase++;
    tsgen_free(&g);
  }
  clamped += at_phase;
  TEST(clamped >= 400 && clamped <= 600, "ts-18: clamp rule: release exactly at phase in %lld "
       "of 2000 seeds (expected ~501; ~1 without the clamp)", (long long)clamped);
  taskset_free(&ts);
}

static void poisson(void) {
  struct taskset ts;
  struct tsgen g;
  struct sl_err e;
  size_t n = 0;
  sl_ns last = -1;
  int order = 1;
  /* rate 1000/s over 100 s: N ~ Poisson(100000), sd 316; 5 sd = 1581. */
  int rc = load(&ts, "task p network=A arrival=poisson rate=1000 phase_us=0 horizon_s=100\n",
                NULL, 0, &e);
  TEST(rc == 0, "ts-19: loads (%s)", rc ? e.msg : "ok");
  if (rc || tsgen_init(&g, &ts, 3, &e) < 0) return;
  while (tsgen_peek(&g) != SL_NS_NONE) {
    struct ts_release r;
    tsgen_take(&g, &r);
    order &= r.release >= last && r.release < 100000000000LL;
    last = r.release;
    n++;
  }
  TEST(n > 100000 - 1600 && n < 100000 + 1600,
       "ts-20: Poisson rate 1000/s over 100 s: %zu releases, within 5 sd (1581) of 100000", n);
  TEST(order, "ts-21: in order, all before the horizon");
  tsgen_free(&g);
  taskset_free(&ts);
}

static void closed(void) {
  struct taskset ts;
  struct tsgen g;
  struct sl_err e;
  struct ts_release a, b, c;
  int rc = load(&ts, "task be network=A arrival=closed outstanding=2 think_us=50 period_us=500 "
                     "phase_us=100 horizon_s=0.002 count=4\n", NULL, 0, &e);
  TEST(rc == 0, "ts-22: loads (%s)", rc ? e.msg : "ok");
  if (rc || tsgen_init(&g, &ts, 1, &e) < 0) return;
  tsgen_take(&g, &a);
  tsgen_take(&g, &b);
  TEST(a.release == 100000 && b.release == 100000 && a.slot == 0 && b.slot == 1,
       "ts-23: both slots issue at phase 100 us, slot 0 first");
  TEST(tsgen_peek(&g) == SL_NS_NONE, "ts-24: nothing more until a completion");
  /* Slot 1 done at 300 us: max(300 + 50, 100 + 500) = 600 us. */
  TEST_EQ_I64(tsgen_done(&g, 0, 1, 300000), 1, "ts-25: slot 1 re-armed");
  TEST_EQ_I64(tsgen_peek(&g), 600000, "ts-26: at max(done + think, last issue + period) = 600 us");
  /* Slot 0 done at 1000 us: max(1050, 600) = 1050 us, after slot 1's 600. */
  tsgen_done(&g, 0, 0, 1000000);
  tsgen_take(&g, &c);
  TEST(c.release == 600000 && c.slot == 1, "ts-27: slot 1 issues at 600 us");
  tsgen_take(&g, &c);
  TEST(c.release == 1050000 && c.slot == 0, "ts-28: slot 0 at 1050 us (think dominates)");
  /* count=4 reached: no more, whatever completes. */
  TEST_EQ_I64(tsgen_done(&g, 0, 1, 1100000), 0, "ts-29: count=4 stops the loop");
  TEST(tsgen_peek(&g) == SL_NS_NONE, "ts-30: nothing pending");
  tsgen_free(&g);
  taskset_free(&ts);
  /* Horizon: an issue at or after 2 ms is not armed. */
  rc = load(&ts, "task be network=A arrival=closed think_us=10 horizon_s=0.002\n", NULL, 0, &e);
  if (rc || tsgen_init(&g, &ts, 1, &e) < 0) return;
  tsgen_take(&g, &a);
  TEST_EQ_I64(tsgen_done(&g, 0, 0, 1990000), 0, "ts-31: done at 1990 us + think 10 us = horizon: stops");
  tsgen_free(&g);
  taskset_free(&ts);
}

static void errors(void) {
  struct kv ov = {"Q", "1"}, ovbad = {"P", "a b"};
  const char *m;
  m = load_err("task a network=A period_us=10 horizon_s=1 bogus=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'bogus': unknown") != NULL, "ts-e1: unknown key: %s", m);
  m = load_err("\nset horizon_s=1\ntask a network=A period_us=1x\n", NULL, 0);
  TEST(strstr(m, "t.tasks:3: key 'period_us': '1x' is not a number") != NULL, "ts-e2: bad number: %s", m);
  m = load_err("task a period_us=10 horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'network': missing") != NULL, "ts-e3: missing network: %s", m);
  m = load_err("task a network=${X} period_us=10 horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'network': undefined parameter ${X}") != NULL, "ts-e4: undefined: %s", m);
  m = load_err("param P=1\ntask a network=A period_us=${P} horizon_s=1\n", &ov, 1);
  TEST(strstr(m, "t.tasks: parameter override 'Q': the file has no `param Q=...` line (its params: P)") != NULL,
       "ts-e5: override naming no param: %s", m);
  m = load_err("task a network=A period_us=10\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'horizon_s': missing") != NULL, "ts-e6: missing horizon: %s", m);
  m = load_err("set horizon_s=1\ntask a network=A period_us=10\ntask a network=B period_us=10\n", NULL, 0);
  TEST(strstr(m, "t.tasks:3: key 'name': task 'a' is already defined on line 2") != NULL,
       "ts-e7: duplicate name: %s", m);
  m = load_err("task a network=A horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'period_us': missing (required for arrival=periodic)") != NULL,
       "ts-e8: periodic without period: %s", m);
  m = load_err("task a network=A arrival=poisson horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'rate': missing (required for arrival=poisson)") != NULL,
       "ts-e9: poisson without rate: %s", m);
  m = load_err("task a network=A period_us=10 horizon_s=1 deadline_us=-5\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'deadline_us': negative value '-5'") != NULL, "ts-e10: negative: %s", m);
  m = load_err("task a network=A period_us=10 horizon_s=1 count=-1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'count': negative value '-1'") != NULL, "ts-e11: negative count: %s", m);
  m = load_err("task a network=A period_us=10 horizon_s=1 rate=5\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'rate': arrival=periodic does not use it") != NULL,
       "ts-e12: a key the kind does not use: %s", m);
  m = load_err("task a network=A period_us=1000 jitter_us=501 horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'jitter_us': 501 us is more than half the period") != NULL,
       "ts-e13: jitter above period/2: %s", m);
  m = load_err("param P=1\ntask a network=A period_us=${P} horizon_s=1\n", &ovbad, 1);
  TEST(strstr(m, "parameter override 'P=a b': the value must be one word") != NULL, "ts-e14: %s", m);
  m = load_err("tsk a\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: 'tsk': unknown line kind") != NULL, "ts-e15: %s", m);
  m = load_err("# nothing\n", NULL, 0);
  TEST(strstr(m, "t.tasks: no task lines") != NULL, "ts-e16: %s", m);
  m = load_err("param P=1\nparam P=2\n", NULL, 0);
  TEST(strstr(m, "t.tasks:2: key 'P': parameter already defined on line 1") != NULL, "ts-e17: %s", m);
  m = load_err("task a network=A period_us=10 period_us=20 horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'period_us': given twice on one line") != NULL, "ts-e18: %s", m);
  m = load_err("task a network=A arrival=closed outstanding=0 horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'outstanding': '0' is not an integer in [1, 1000000]") != NULL,
       "ts-e19: %s", m);
  m = load_err("task a network=A arrival=sometimes horizon_s=1\n", NULL, 0);
  TEST(strstr(m, "t.tasks:1: key 'arrival': 'sometimes' is not periodic, poisson or closed") != NULL,
       "ts-e20: %s", m);
  m = load_err("set horizon_s=1 network=A arrival=closed\ntask a outstanding=600000\n"
               "task b outstanding=400001\n", NULL, 0);
  TEST(strstr(m, "t.tasks:3: key 'outstanding': the task set's closed loops would hold 1000001 "
                 "requests in all (at most 1000000)") != NULL, "ts-e21: %s", m);
}

static void overrides(void) {
  struct taskset ts;
  struct sl_err e;
  struct kv ov = {"P", "250"};
  /* B's default uses P: overriding P changes it too; the name is substituted. */
  int rc = load(&ts, "param P=100\nparam B=${P}0\ntask t_${P} network=A period_us=${B} horizon_s=1\n",
                &ov, 1, &e);
  TEST(rc == 0, "ts-o1: loads with an override (%s)", rc ? e.msg : "ok");
  if (rc) return;
  TEST(!strcmp(ts.tasks[0].name, "t_250") && ts.tasks[0].period == 2500000,
       "ts-o2: ${P} -> 250 everywhere, ${B} = 2500 us");
  taskset_free(&ts);
}

int main(void) {
  periodic_exact();
  ties_and_caps();
  jitter();
  poisson();
  closed();
  errors();
  overrides();
  remove("t.tasks");
  return test_done();
}
