/*
** fuzz_policy.c — a mutated Lua policy, run for real: loaded into the
** sandbox (policy.c, lsim.c), its params resolved, then replayed by the
** engine over tests/fuzz/policy_trace.csv on the golden cases' profile
** device, with prediction noise on and the metrics computed at the end.
** A policy may fail in any way it likes (syntax, runtime error, budget,
** memory ceiling, livelock): that is a failed run with a message. Crashes,
** aborts (a Lua error escaping protected mode, an engine assertion), leaks,
** UB and hangs beyond the sandbox's limits are findings.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "engine.h"

#include <string.h>

/* Small limits keep each input fast; the run's limits are what is tested,
** not their defaults. libFuzzer's -timeout (60 s) must stay well above
** what they allow one run: MAX_WALL_MS of event loop (see README.md). */
#define HOOK_BUDGET 100000
#define LUA_MEM ((size_t)32 << 20)
#define MAX_EVENTS 200000
#define MAX_WALL_MS 10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const struct kv dev_params[] = {{"bandwidth_gbps", "4"}};
  char home[1024], trace[1100], device[1120], path[64];
  struct sim_config cfg;
  struct sim s;
  int fd = fuzz_memfd(data, size, path, sizeof path);
  if (fd < 0) fuzz_die("memfd");
  sl_home(home, sizeof home);
  snprintf(trace, sizeof trace, "%s/tests/fuzz/policy_trace.csv", home);
  snprintf(device, sizeof device, "profile:%s/tests/cases/profile.csv", home);
  memset(&cfg, 0, sizeof cfg);
  cfg.trace_path = trace;
  cfg.device_spec = device;
  cfg.dev_params = dev_params;
  cfg.ndev_params = 1;
  cfg.policy = path;                      /* has a '/': taken as a path */
  cfg.seed = 7;
  cfg.predict_sigma = 0.1;
  cfg.hook_budget = HOOK_BUDGET;
  cfg.lua_mem_limit = LUA_MEM;
  /* The run limits bound the whole run, not only each hook: a timer chain or
  ** a preemption livelock stops within seconds instead of at the defaults
  ** (a billion events, no wall-clock limit). */
  cfg.max_events = MAX_EVENTS;
  cfg.max_wall_ms = MAX_WALL_MS;
  sim_init(&s, &cfg);
  /* The device and the trace are ours: they must load. */
  if (sim_load_device(&s, NULL) < 0 || sim_load_trace(&s) < 0) fuzz_die(s.err.msg);
  if (sim_load_policy(&s) == 0) {
    enum sim_status st = sim_run(&s);
    if (st == SIM_OK && sim_finish(&s) < 0) fuzz_die(s.err.msg);
    if (st != SIM_OK && !s.err.msg[0]) fuzz_die("a failed run without a message");
  } else if (!s.err.msg[0]) {
    fuzz_die("sim_load_policy failed without a message");
  }
  sim_free(&s);
  close(fd);
  return 0;
}
