/*
** test_profile.c — the profile device: compiled prefix sums, preemption
** points found by binary search, checkpoint costs, unknown networks.
*/
#include "device.h"
#include "test.h"

#include <stdio.h>

int main(void) {
  struct sl_err e;
  struct device *d;
  const struct work *w;
  struct kv p[] = {{"bandwidth_gbps", "2"}, {"latency_ns", "100"}};
  int unknown;
  FILE *f = fopen("profile_unit.tmp", "w");
  fputs("network,batch,layer,latency_ns,state_bytes\n"
        "N,1,l0,100,1000\nN,1,l1,0,1000\nN,1,l2,300,3001\nN,1,l3,50,0\n"
        "N,4,l0,400,4000\nM,1,m0,7,0\n", f);
  fclose(f);
  TEST(dev_open(&d, "profile:profile_unit.tmp", p, 2, &e) == 0, "profile-1: opens");
  w = dev_work(d, "N", 1, &unknown, &e);
  TEST(w && w->nseg == 4, "profile-2: four layers");
  /* prefix: 0, 100, 100, 400, 450 */
  TEST(w->prefix[1] == 100 && w->prefix[2] == 100 && w->prefix[3] == 400 && work_total(w) == 450,
       "profile-3: prefix sums");
  TEST(dev_work(d, "N", 1, &unknown, &e) == w, "profile-4: cached");
  TEST_EQ_I64(work_segment_at(w, 0), 0, "profile-5.1: segment at 0");
  TEST_EQ_I64(work_segment_at(w, 99), 0, "profile-5.2: segment at 99");
  TEST_EQ_I64(work_segment_at(w, 100), 2, "profile-5.3: at 100 the zero-length l1 is done, l2 runs");
  TEST_EQ_I64(work_segment_at(w, 449), 3, "profile-5.4: last layer");
  TEST_EQ_I64(d->ops->stop_point(d, w, 50, MECH_CHECKPOINT), 100, "profile-6.1: next boundary");
  TEST_EQ_I64(d->ops->stop_point(d, w, 100, MECH_CHECKPOINT), 100, "profile-6.2: on a boundary: stop now");
  TEST_EQ_I64(d->ops->stop_point(d, w, 101, MECH_CHECKPOINT), 400, "profile-6.3");
  TEST_EQ_I64(d->ops->stop_point(d, w, 420, MECH_CHECKPOINT), 450, "profile-6.4: last layer ends the request");
  TEST_EQ_I64(d->ops->stop_point(d, w, 123, MECH_KILL), 123, "profile-6.5: kill stops at once");
  /* at 100 the live state is l1's (1000 B): 100 + 1000/2 = 600 ns; at 400 l2's
  ** 3001 B: 100 + ceil(1500.5) = 1601 ns. */
  TEST_EQ_I64(d->ops->save_ns(d, w, 100), 600, "profile-7.1: save at 100");
  TEST_EQ_I64(d->ops->save_ns(d, w, 400), 1601, "profile-7.2: save rounds up");
  TEST_EQ_I64(d->ops->restore_ns(d, w, 400), 1601, "profile-7.3: restore = save");
  TEST_EQ_I64(d->ops->save_ns(d, w, 0), 0, "profile-7.4: nothing live before the first layer");
  TEST(dev_work(d, "X", 1, &unknown, &e) == NULL && unknown == 1 && strstr(e.msg, "unknown network 'X'"),
       "profile-8.1: unknown network: %s", e.msg);
  TEST(dev_work(d, "N", 2, &unknown, &e) == NULL && unknown == 2 && strstr(e.msg, "batches: 1 4"),
       "profile-8.2: unknown batch: %s", e.msg);
  TEST(d->nparams == 7 && !strcmp(d->params[0].value, "2") && !strcmp(d->params[1].value, "100") &&
           !strcmp(d->params[2].value, "exclusive") && !strcmp(d->params[3].value, "1") &&
           !strcmp(d->params[4].value, "0") && !strcmp(d->params[5].name, "scale") &&
           !strcmp(d->params[5].value, "1") && !strcmp(d->params[6].name, "units") &&
           !strcmp(d->params[6].value, "1"),
       "profile-9: resolved params recorded (bandwidth, latency, sharing, capacity, slowdown, scale, "
       "units)");
  dev_close(d);
  remove("profile_unit.tmp");
  return test_done();
}
