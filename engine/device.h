/*
** device.h — the device interface. A device compiles a (network, batch)
** into a `struct work` once (cached), and answers the questions the engine
** asks while a request runs: where can it be stopped, what does stopping
** there cost. The engine never makes an event per segment: it reads the
** prefix sums and asks the device for preemption points.
*/
#ifndef DEVICE_H
#define DEVICE_H

#include "sl.h"

/* How a running request gives up the device (docs/prema.md §5). */
enum mech {
  MECH_DRAIN = 0,        /* no interruption: it keeps the device until it completes */
  MECH_CHECKPOINT = 1,   /* stop at the next preemption point, save live state, restore later */
  MECH_KILL = 2          /* stop, drop the progress, restart later from the first segment */
};
extern const char *const mech_names[3];   /* "drain", "checkpoint", "kill" */
int mech_parse(const char *s, enum mech *m);

/* A (network, batch) compiled for one device: what one request executes. */
struct work {
  char *network;           /* owned */
  int32_t batch;
  int32_t nseg;            /* segments (layers), in execution order */
  sl_ns *prefix;           /* prefix[i]: isolated ns before segment i; prefix[nseg] = total */
  int64_t *state_bytes;    /* live state at the boundary before segment i, [0..nseg] (bytes) */
  char **seg_name;         /* segment names, for per-layer reports */
  void *ext;               /* device-specific data (tiles, shapes, ...) */
  /* Chunks (papers/pantheon.md §4): chunk_end[0..nchunks-1], sorted segment
  ** indices in 1..nseg, the last always nseg; a chunk ends at
  ** prefix[chunk_end[j]], and only there does a checkpoint stop. NULL/0:
  ** none declared, every preemption point of the device counts. */
  int32_t nchunks;
  int32_t *chunk_end;
  /* Early exits (papers/pantheon.md §5), sorted by `after`; the last is the
  ** top exit, the original head. A work with exits runs one path: backbone
  ** segments 0..after, then the head as one segment "exit:K". */
  int32_t nexits;
  struct work_exit *exits; /* owned by the top-exit work; shared by the others */
  int32_t exit;            /* 0-based exit this work's path goes through; -1 without exits */
  struct work **paths;     /* [nexits]: the work through each exit; paths[nexits-1] is the
                           ** top work itself, which owns the others (NULL in those) */
  const struct work *top;  /* the top-exit work of the same (network, batch); itself */
};
struct work_exit {
  int32_t after;           /* 0-based index of the last backbone segment before the head */
  sl_ns head_ns;           /* the head's latency, ns */
  double acc;              /* accuracy in (0, 1] */
};
static inline sl_ns work_total(const struct work *w) { return w->prefix[w->nseg]; }
/* The full path of the top exit: a request's isolated time, whatever exit it takes. */
static inline sl_ns work_isolated(const struct work *w) {
  return w->top ? work_total(w->top) : work_total(w);
}
/* Chunk (0-based) that progress is in, or runs next at a chunk end; the
** segment when no chunks are declared. */
int32_t work_chunk_at(const struct work *w, sl_ns progress);
/* The first chunk end at or after `at` (at itself without chunks). */
sl_ns work_chunk_round(const struct work *w, sl_ns at);
/* Record a chunk end after segment index i-1 (i in 1..nseg, in increasing
** order; repeats are ignored); *cap is the caller's capacity counter.
** work_chunks_close adds nseg; both -1 on memory errors. */
int work_chunk_add(struct work *w, int32_t i, size_t *cap, struct sl_err *e);
int work_chunks_close(struct work *w, size_t *cap, struct sl_err *e);
/* Build w->paths once w (the top-exit work, with its head segment last)
** lists its exits; dev_work calls it. */
int work_build_paths(struct work *w, struct sl_err *e);
/* Segment that is executing at `progress` (binary search): the largest i
** with prefix[i] <= progress, clamped to the last segment. */
int32_t work_segment_at(const struct work *w, sl_ns progress);
/* The first segment boundary at or after `progress`. */
sl_ns work_boundary_at(const struct work *w, sl_ns progress);

/* A resolved device parameter, recorded in the run's params table. */
struct dev_param {
  char *name;              /* without the "device." prefix */
  char *value;             /* as text */
};

/* A user-supplied key=value (from --device-param or an experiment file). */
struct kv {
  const char *key, *value;
};

struct device;

/* What a unit is (docs/concurrency.md). */
enum unit_kind {
  UNIT_EXCLUSIVE = 0,      /* one request at a time */
  UNIT_PS = 1,             /* any number, sharing it equally: rate 1/n */
  UNIT_POOL = 2            /* a capacity from which each holder takes a share */
};
extern const char *const unit_kind_names[3];   /* "exclusive", "ps", "pool" */

#define DEV_MAX_UNITS 1024
#define DEV_MAX_VERSIONS 16       /* compiled versions a device may offer per segment */
#define RATE_ONE ((uint64_t)1 << 32)           /* rate 1 in Q32 */

/* One request holding a unit, as a device sees it when it sets rates. */
struct holder {
  const struct work *work;
  sl_ns progress;          /* isolated ns done */
  int32_t unit;            /* 0-based */
  int32_t share;           /* capacity held (1 on exclusive and ps units) */
  uint64_t id;             /* the request's arrival sequence: unique while it holds a unit, so a
                           ** device can keep state per holder across calls */
  int active;              /* progressing: not restoring, not past its stop point */
  int32_t version;         /* compiled version chosen by the policy, 1-based; 0: the device's
                           ** choice (devices with versions, see `versions` below) */
  /* Set by the device: */
  uint64_t rate_q;         /* Q32, in [1, RATE_ONE] */
  sl_ns until;             /* progress up to which rate_q holds (> progress), at most work_total */
};

/* What a device can tell about one compiled segment (`schedlab predict`). */
struct seg_info {
  int64_t cycles;          /* device clock cycles */
  int64_t compute_cycles;  /* the same with an infinitely fast memory */
  int64_t memory_cycles;   /* off-chip traffic alone */
  int64_t pes;             /* peak multiply-accumulates per cycle */
  int64_t macs;            /* multiply-accumulates */
  int64_t dram_bytes;      /* bytes moved to or from off-chip memory */
  int64_t tiles;           /* preemption points inside the segment */
  double util;             /* share of the peak MAC rate used, 0..1 */
  const char *bound;       /* "compute" or "memory"; gpu: also "latency", "host" */
  /* GPU devices (gpu = 1) only: */
  int gpu;
  const char *kind;        /* "kernel", or "gap" (host launch gap before the next kernel) */
  int64_t flops;           /* useful FLOPs */
  int64_t blocks, blocks_per_sm, waves;   /* grid, resident blocks per SM, waves over the SMs */
  sl_ns gap_ns;            /* idle time before the kernel */
  double flops_per_s, bytes_per_s;        /* achieved over the kernel's duration */
};

/* One compiled version of a segment (devices with versions: the CPU). */
struct version_info {
  const char *name;
  sl_ns ns;                /* latency alone at the share asked for, ns */
  int64_t llc_bytes;       /* shared-cache footprint, bytes */
  int64_t bw;              /* memory bandwidth drawn alone, bytes/s */
};

struct dev_ops {
  const char *kind;        /* the spec prefix: "profile", "npu", ... */
  const char *usage;       /* one line for `schedlab list devices` */
  /* Parse the spec argument and the parameters; unknown names are errors. */
  int (*open)(struct device *d, const char *arg, const struct kv *params, size_t nparams,
              struct sl_err *e);
  /* Fill w for (network, batch). Returns 1 (with a message) if the device
  ** has no such network, 2 if it lacks that batch, -1 on other errors. */
  int (*compile)(struct device *d, const char *network, int batch, struct work *w,
                 struct sl_err *e);
  /* Progress (isolated ns) at which a request at `progress` stops under mechanism m:
  ** the next preemption point, or `progress` itself where the device stops at once. */
  sl_ns (*stop_point)(const struct device *d, const struct work *w, sl_ns progress,
                      enum mech m);
  /* Time to save the live state at stop point `at`, and to restore it later. */
  sl_ns (*save_ns)(const struct device *d, const struct work *w, sl_ns at);
  sl_ns (*restore_ns)(const struct device *d, const struct work *w, sl_ns at);
  /* Names of the networks this device knows without a zoo (profile tables);
  ** NULL when it compiles from traces/networks. */
  int (*list_networks)(const struct device *d, void (*cb)(void *, const char *, int), void *ud);
  /* Model details of segment `seg` of w; NULL when the device has none. */
  int (*seg_info)(const struct device *d, const struct work *w, int32_t seg, struct seg_info *out);
  void (*free_ext)(struct work *w);
  void (*close)(struct device *d);
  /* Rates of every holder of the device, from the whole holding set (its
  ** shares, interference). NULL: the default rule, dev_default_rates. */
  int (*rates)(const struct device *d, struct holder *h, size_t n, struct sl_err *e);
  /* The d->nversions compiled versions of segment `seg` of w when it holds
  ** `share` of its unit, into out[0..nversions-1]. NULL: no versions. */
  int (*versions)(const struct device *d, const struct work *w, int32_t seg, int32_t share,
                  struct version_info *out);
};

struct work_slot {
  uint64_t hash;
  struct work *w;
};

struct device {
  const struct dev_ops *ops;
  char *spec;              /* as the user gave it */
  void *impl;              /* the kind's own state */
  struct dev_param *params;
  size_t nparams, params_cap;
  struct work_slot *cache; /* open addressing, keyed by (network, batch) */
  size_t cache_cap, cache_n;
  /* Units (docs/concurrency.md): set by dev_open (units) and the kind's open. */
  int32_t nunits;          /* units=K, default 1 */
  enum unit_kind ukind;
  int32_t capacity;        /* of a pool; 1 otherwise */
  double slowdown;         /* linear interference per co-runner (default rule) */
  int rates_fixed;         /* every holder always has rate 1: exclusive units, no interference */
  int32_t nversions;       /* compiled versions per segment a policy may choose; 0: none */
  /* Why a holder's share cannot change while it holds a pool (sim.resize
  ** refuses with it), or NULL: resizing allowed. */
  const char *fixed_shares;
};

/* Open a device from a spec ("profile:PATH.csv", "npu:PATH.dev", ...). A
** spec without a colon that starts with "KIND-" ("npu-prema") names a preset
** of that kind, which the kind's open resolves (traces/devices/). */
int dev_open(struct device **out, const char *spec, const struct kv *params, size_t nparams,
             struct sl_err *e);
void dev_close(struct device *d);
/* The compiled work of (network, batch), compiled on first use and cached
** for the device's lifetime. Returns NULL with a message naming the network
** (and `*unknown` = 1 for the network, 2 for the batch) when the device
** has no such network or batch. */
const struct work *dev_work(struct device *d, const char *network, int batch, int *unknown,
                            struct sl_err *e);
/* Record a resolved parameter (for the params table). */
int dev_param_set(struct device *d, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The registered kinds, NULL-terminated. */
extern const struct dev_ops *const dev_kinds[];

/* The default rates: base / (1 + slowdown (N - 1)), base = 1, 1/n or
** share/capacity by unit kind, N the holders of the device, until = the
** end of the work (the rate holds while the holding set does). */
int dev_default_rates(const struct device *d, struct holder *h, size_t n, struct sl_err *e);
/* Q32 rate of a real rate in (0, 1]: floor(rate 2^32), at least 1. */
uint64_t dev_rate_q(double rate);

/* Helpers shared by device kinds. */
/* stop_point of a kind whose only preemption points are segment boundaries,
** for CHECKPOINT and KILL alike (cpu layers, gpu kernels); DRAIN runs to
** the end. */
sl_ns dev_segment_stop_point(const struct device *d, const struct work *w, sl_ns progress,
                             enum mech m);
/* save_ns and restore_ns of a kind whose live state stays where it is: 0. */
sl_ns dev_no_transfer_ns(const struct device *d, const struct work *w, sl_ns at);
void work_free(struct work *w);
/* ceil(bytes / (gbps GB/s)) in ns, GB = 1e9 bytes. */
sl_ns dev_transfer_ns(int64_t bytes, double gbps);

#endif
