/*
** gpu_share.c — sharing one GPU between requests (docs/gpu_model.md,
** "Sharing"). A unit holds one request at a time (a CUDA stream, a
** process's context, a MIG slice: each serialises its own work), or under
** mps is a pool of SMs whose requests are clients with their own SM share;
** the rates callback turns the co-running kernels into rates:
**
**   streams    kernels share the SMs by stream priority; running thread
**              blocks are never preempted (a kernel keeps its SMs up to its
**              current wave boundary); a kernel short of SMs puts blocks
**              beside another's where block slots allow, splitting those
**              SMs' throughput; memory bandwidth is shared
**   timeslice  contexts with GPU work alternate on a time slice with a
**              switch cost (fluid: 1/n of the slice, less the switch)
**   mps        as streams with one priority, each client capped at its share
**              of the SMs (and its unit's mps_sms)
**   mig        static slices: SMs/K and bandwidth/K each, no interference
**
** Host launch gaps (eager) need no SMs and progress at rate 1 (or share one
** interpreter with host=shared: every request whose host is still launching
** slows the others' launches by the part of host time that holds the GIL). The allocation of SMs is the one piece of
** state: which kernel of which holder holds how many SMs, kept per holder
** between calls, since blocks already running keep their SMs.
*/
#include "gpu_share.h"
#include "checked.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gpu_sharing_names[GS_NMODES] = {"exclusive", "streams", "timeslice", "mps",
                                                   "mig"};

/* Defaults of the time-slice fields. NVIDIA does not publish the default
** time slice of datacenter GPUs; DRIVE OS accepts slices from 1 ms, and 2 ms
** is the placeholder of docs (FIKIT notes). The switch cost is an
** assumption of the order of a compute context's save and restore (tens
** of us). Neither is measured: override them with the device params. */
#define DEFAULT_SLICE_NS 2000000
#define DEFAULT_SWITCH_NS 25000

/* host=shared: the share of a PyTorch eager launch's host time that holds
** the interpreter lock (the rest, C++ dispatch and the CUDA launch, runs
** with the GIL released, in parallel), for a network whose table has no
** `# host gil=` line: the median of the four the GIL probe measured on the
** H200 (experiments/calibration/gpu_h200/gil/: resnet50 0.63, bert_base
** 0.79, mobilenet_v2 0.54, resnet18 0.55). docs/gpu_model.md, "Sharing". */
#define DEFAULT_GIL_FRAC 0.59

/* A kernel that gets no SM waits at the least rate; its event is put this
** far ahead in progress, which it never reaches: a co-runner's wave
** boundary or end rerates it first (2^20 ns at 2^-32 ns per ns is 2^52 ns). */
#define WAIT_HORIZON ((sl_ns)1 << 20)

struct ustate {
  uint64_t id;             /* the holder it belongs to (struct holder's id) */
  const struct work *w;    /* the request whose kernel holds SMs, or NULL */
  int32_t seg;             /* that kernel's segment; -1: it ran alone (all its kernels) */
  int64_t alloc;           /* SMs it holds */
  uint64_t order;          /* when its kernel was launched (a counter): FIFO within a level */
  const struct work *hint_w;   /* the segment the unit's holder was in at the last call: */
  int32_t hint;                /* holders move forward, mostly by one segment per call */
  /* What dev_gpu.c says of hint_w and hint, asked again only when they
  ** change (a co-runner's boundary leaves the other holders where they
  ** were): */
  const struct gpu_kernel *hk; /* the kernel of segment hint; NULL: the gap before one */
  sl_ns lo, hi;                /* segment hint's progress range [lo, hi) */
  int hpace;                   /* the host launches the next kernel while segment hint runs
                               ** (a gap follows, not a decode step's sync's): 1 or 0; -1 not
                               ** asked yet */
  int64_t wl_a;                /* wl is the wave length of segment hint's kernel on wl_a SMs */
  sl_ns wl;                    /* (0: none yet) */
  double rho1;                 /* its memory share at its own SMs (x = 1); < 0: not yet */
  sl_ns host_end;              /* gpu_work_host_end(hint_w) */
  double host_gil;             /* gpu_work_host_gil(hint_w) */
};

/* What one holder is doing, during one rates call. */
struct hs {
  const struct gpu_kernel *k;   /* its kernel, or NULL in a gap or inactive */
  double x, comp, mem;     /* at its SMs: the rounds ratio, compute and memory time (ns) */
  int32_t seg;
  sl_ns p;                 /* progress inside the segment */
  sl_ns end;               /* the segment's end (progress) */
  int64_t demand, locked, alloc;
  int hbusy;               /* host=shared: its host is still launching its kernels */
  double gil;              /* then: its share of host time that holds the GIL */
  int64_t cores;           /* SMs where its blocks sit beside another kernel's */
  int64_t hosted;          /* of its own SMs, those where another kernel's blocks sit */
  int prio;
  uint64_t order;
};

struct gpu_share {
  enum gpu_sharing mode;
  int32_t nunits;
  int32_t *prio;           /* streams: the level of each unit's stream (0 lowest) */
  int64_t *cap;            /* SMs a unit's kernels may use (the MPS cap, the MIG slice) */
  sl_ns slice_ns, switch_ns;
  int host_shared;         /* host=shared: the units' host launches share one interpreter */
  double gil;              /* host=shared: the share of host time that holds the GIL */
  struct ustate *st;       /* [nst]: per holder, in the order of the last call's holders */
  struct ustate *st2;      /* [tmp_cap]: the next call's, built from st */
  size_t nst;
  uint64_t clock;          /* kernel launches seen: the FIFO order */
  struct hs *tmp;          /* [tmp_cap] */
  struct hs **ord;         /* [tmp_cap]: the kernels in the deal order */
  size_t tmp_cap;
};

/* {===================================================================
** Params
** =================================================================== */

int gpu_share_take(struct gpu_share_params *p, const char *key, const char *value) {
  const char **slot = !strcmp(key, "sharing")         ? &p->sharing
                      : !strcmp(key, "stream_prio")   ? &p->stream_prio
                      : !strcmp(key, "mps_sms")       ? &p->mps_sms
                      : !strcmp(key, "timeslice_ns")  ? &p->timeslice_ns
                      : !strcmp(key, "ctx_switch_ns") ? &p->ctx_switch_ns
                      : !strcmp(key, "host")          ? &p->host
                      : !strcmp(key, "gil_frac")      ? &p->gil_frac
                                                      : NULL;
  if (!slot) return 0;
  *slot = value;
  return 1;
}

/* A per-unit list "a,b,c" (K values) or one value for every unit, each an
** integer in [lo, hi]. */
static int unit_list(const char *name, const char *v, int32_t k, int64_t lo, int64_t hi,
                     const char *why_hi, int64_t *out, struct sl_err *e) {
  char buf[64];
  int32_t n = 0;
  const char *s = v;
  for (;;) {
    size_t len = strcspn(s, ",");
    int64_t x;
    if (len == 0 || len >= sizeof buf)
      return sl_errf(e, "device param '%s': '%s' is not a list of whole numbers (one per unit, "
                        "or one for all)", name, v);
    memcpy(buf, s, len);
    buf[len] = 0;
    if (sl_parse_i64(buf, &x) < 0)
      return sl_errf(e, "device param '%s': '%s' is not a whole number", name, buf);
    if (n >= k)
      return sl_errf(e, "device param '%s': more values than units (%d; set units=K)", name,
                     (int)k);
    if (x < lo || x > hi)
      return sl_errf(e, "device param '%s': %lld (unit %d) is out of range [%lld, %lld]%s", name,
                     (long long)x, (int)n + 1, (long long)lo, (long long)hi, why_hi);
    out[n++] = x;
    if (!s[len]) break;
    s += len + 1;
  }
  if (n == 1)
    for (int32_t i = 1; i < k; i++) out[i] = out[0];
  else if (n != k)
    return sl_errf(e, "device param '%s': %d values for %d units (give one per unit, or one "
                      "for all)", name, (int)n, (int)k);
  return 0;
}

static int only_with(const char *name, const char *given, enum gpu_sharing want,
                     enum gpu_sharing mode, struct sl_err *e) {
  if (given && mode != want)
    return sl_errf(e, "device param '%s' applies to sharing=%s only (sharing is %s)", name,
                   gpu_sharing_names[want], gpu_sharing_names[mode]);
  return 0;
}

static int list_param(struct device *d, const char *name, const int64_t *v, int32_t k) {
  struct sl_buf b = {0};
  int r;
  for (int32_t i = 0; i < k; i++) sl_buf_addf(&b, "%s%lld", i ? "," : "", (long long)v[i]);
  r = dev_param_set(d, name, "%s", b.s ? b.s : "");
  sl_buf_free(&b);
  return r;
}

int gpu_share_open(struct device *d, const struct gpu_cfg *cfg, const struct gpu_share_params *p,
                   struct gpu_share **out, struct sl_err *e) {
  enum gpu_sharing mode = GS_EXCLUSIVE;
  struct gpu_share *s;
  int64_t *tmp = NULL;
  int32_t k = d->nunits;
  char why[96];
  *out = NULL;
  if (p->sharing) {
    int found = 0;
    for (int m = 0; m < GS_NMODES; m++)
      if (!strcmp(p->sharing, gpu_sharing_names[m])) {
        mode = (enum gpu_sharing)m;
        found = 1;
      }
    if (!found)
      return sl_errf(e, "device param 'sharing': '%s' is not exclusive, streams, timeslice, mps "
                        "or mig", p->sharing);
  }
  if (only_with("stream_prio", p->stream_prio, GS_STREAMS, mode, e) < 0 ||
      only_with("host", p->host, GS_STREAMS, mode, e) < 0 ||
      only_with("gil_frac", p->gil_frac, GS_STREAMS, mode, e) < 0 ||
      only_with("mps_sms", p->mps_sms, GS_MPS, mode, e) < 0 ||
      only_with("timeslice_ns", p->timeslice_ns, GS_TIMESLICE, mode, e) < 0 ||
      only_with("ctx_switch_ns", p->ctx_switch_ns, GS_TIMESLICE, mode, e) < 0)
    return -1;
  if (dev_param_set(d, "sharing", "%s", gpu_sharing_names[mode]) < 0)
    return sl_errf(e, "out of memory");
  d->ukind = UNIT_EXCLUSIVE;
  if (mode == GS_EXCLUSIVE) return 0;
  if (mode == GS_MPS) {
    /* Each request is an MPS client that takes its SM share when it
    ** places it; a unit is a pool of the GPU's SMs from which its clients'
    ** shares are reserved (docs/gpu_model.md, "Sharing"). */
    if (cfg->sms > INT32_MAX)
      return sl_errf(e, "sharing=mps: %lld SMs is more than a pool can hold", (long long)cfg->sms);
    d->ukind = UNIT_POOL;
    d->capacity = (int32_t)cfg->sms;
    d->fixed_shares = "an MPS client's SM share (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE) is fixed when "
                      "its process starts: place the request with the share it needs";
  }
  if (mode == GS_MIG && k > cfg->sms)
    return sl_errf(e, "sharing=mig: units=%d slices of %lld SMs leave a slice without an SM",
                   (int)k, (long long)cfg->sms);
  if (!(s = sl_alloc(sizeof *s, e))) return -1;
  s->mode = mode;
  s->nunits = k;
  s->tmp_cap = 2 * (size_t)k;
  if (!(s->prio = sl_alloc((size_t)k * sizeof *s->prio, e)) ||
      !(s->cap = sl_alloc((size_t)k * sizeof *s->cap, e)) ||
      !(s->st = sl_alloc(s->tmp_cap * sizeof *s->st, e)) ||
      !(s->st2 = sl_alloc(s->tmp_cap * sizeof *s->st2, e)) ||
      !(s->tmp = sl_alloc(s->tmp_cap * sizeof *s->tmp, e)) ||
      !(s->ord = sl_alloc(s->tmp_cap * sizeof *s->ord, e)) ||
      !(tmp = sl_alloc((size_t)k * sizeof *tmp, e)))
    goto fail;
  for (int32_t u = 0; u < k; u++) s->cap[u] = mode == GS_MIG ? cfg->sms / k : cfg->sms;
  if (p->stream_prio) {
    snprintf(why, sizeof why, " (the device has %lld priority levels: 0 lowest, %lld highest)",
             (long long)cfg->priorities, (long long)cfg->priorities - 1);
    if (unit_list("stream_prio", p->stream_prio, k, 0, cfg->priorities - 1, why, tmp, e) < 0)
      goto fail;
    for (int32_t u = 0; u < k; u++) s->prio[u] = (int32_t)tmp[u];
  }
  if (p->mps_sms) {
    snprintf(why, sizeof why, " (a client's SMs: at most the device's %lld)", (long long)cfg->sms);
    if (unit_list("mps_sms", p->mps_sms, k, 1, cfg->sms, why, s->cap, e) < 0) goto fail;
  }
  s->slice_ns = DEFAULT_SLICE_NS;
  s->switch_ns = DEFAULT_SWITCH_NS;
  if (p->timeslice_ns && (sl_parse_duration(p->timeslice_ns, &s->slice_ns) < 0 || s->slice_ns < 1)) {
    sl_errf(e, "device param 'timeslice_ns': '%s' is not a positive duration", p->timeslice_ns);
    goto fail;
  }
  if (p->ctx_switch_ns && sl_parse_duration(p->ctx_switch_ns, &s->switch_ns) < 0) {
    sl_errf(e, "device param 'ctx_switch_ns': '%s' is not a duration", p->ctx_switch_ns);
    goto fail;
  }
  if (p->host) {
    if (!strcmp(p->host, "shared")) s->host_shared = 1;
    else if (strcmp(p->host, "own")) {
      sl_errf(e, "device param 'host': '%s' is not own or shared", p->host);
      goto fail;
    }
  }
  s->gil = DEFAULT_GIL_FRAC;
  if (p->gil_frac && (sl_parse_double(p->gil_frac, &s->gil) < 0 || !(s->gil >= 0 && s->gil <= 1))) {
    sl_errf(e, "device param 'gil_frac': '%s' is not a number in [0, 1]", p->gil_frac);
    goto fail;
  }
  for (int32_t u = 0; u < k; u++) tmp[u] = s->prio[u];
  if ((mode == GS_STREAMS && (list_param(d, "stream_prio", tmp, k) < 0 ||
                              dev_param_set(d, "host", "%s", s->host_shared ? "shared" : "own") < 0 ||
                              dev_param_set(d, "gil_frac", "%g", s->gil) < 0)) ||
      (mode == GS_MPS && list_param(d, "mps_sms", s->cap, k) < 0) ||
      (mode == GS_TIMESLICE && (dev_param_set(d, "timeslice_ns", "%lld", (long long)s->slice_ns) < 0 ||
                                dev_param_set(d, "ctx_switch_ns", "%lld", (long long)s->switch_ns) < 0))) {
    sl_errf(e, "out of memory");
    goto fail;
  }
  free(tmp);
  *out = s;
  return 0;
fail:
  free(tmp);
  gpu_share_free(s);
  return -1;
}

void gpu_share_free(struct gpu_share *s) {
  if (!s) return;
  free(s->prio);
  free(s->cap);
  free(s->st);
  free(s->st2);
  free(s->tmp);
  free(s->ord);
  free(s);
}

/* }=================================================================== */

/* {===================================================================
** Kernels at a number of SMs
** =================================================================== */

/* The busiest SM runs ceil(b / a) of a kernel's b blocks on a SMs (the
** quantisation gpu.c applies at all the SMs): each block's time fixed, the
** kernel's compute and memory time scale with that count. */
static double rounds_ratio(const struct gpu_cfg *c, const struct gpu_kernel *k, int64_t a) {
  /* All the SMs, or one block each at most: the rounds of the isolated
  ** model (the quotient is exactly 1). */
  if (a == c->sms || a >= k->blocks) return 1.0;
  return (double)ceil_div64(k->blocks, a) / (double)ceil_div64(k->blocks, c->sms);
}

/* Length in progress (isolated ns) of one wave of a kernel holding a SMs:
** its blocks complete evenly over its isolated duration, a wave is the
** a x blocks_per_sm blocks resident at once. The whole kernel when they
** all fit. */
static sl_ns wave_len(const struct gpu_kernel *k, int64_t a) {
  double len;
  /* a <= the SMs (1e5), blocks_per_sm <= 1024: no overflow. */
  if (a * k->blocks_per_sm >= k->blocks) return k->ns;
  len = floor((double)k->ns * ((double)a * (double)k->blocks_per_sm) / (double)k->blocks);
  return len < 1 ? 1 : (sl_ns)len;
}

static void set_rate(struct holder *h, double rate) {
  h->rate_q = rate >= 1.0 ? RATE_ONE : dev_rate_q(rate);
}

/* }=================================================================== */

/* {===================================================================
** Rates
** =================================================================== */

/* work_segment_at, starting from where the unit's holder was. */
static int32_t segment(struct ustate *st, const struct work *w, sl_ns p) {
  int32_t k = st->hint;
  if (st->hint_w == w && p >= st->lo && p < st->hi) return k;   /* still there */
  if (st->hint_w != w || k < 0 || k >= w->nseg || p < w->prefix[k]) {
    k = work_segment_at(w, p);
  } else if (p >= w->prefix[k + 1]) {
    if (k + 1 < w->nseg && p < w->prefix[k + 2]) k++;
    else k = work_segment_at(w, p);
  }
  if (st->hint_w != w) {
    st->host_end = gpu_work_host_end(w);
    st->host_gil = gpu_work_host_gil(w);
  }
  if (st->hint_w != w || st->hint != k) {
    int gap = 0;
    const struct gpu_kernel *kern = gpu_seg_kernel(w, k, &gap);
    st->hk = gap ? NULL : kern;
    st->hpace = -1;
    st->wl_a = 0;
    st->rho1 = -1;
  }
  st->hint_w = w;
  st->hint = k;
  st->lo = w->prefix[k];
  st->hi = w->prefix[k + 1];
  return k;
}

/* Whether the host, launching, paces the kernel of st's segment of w: a gap
** follows (the host is behind), and not before a decode step's sync (the
** host waits for this kernel to end, then launches in the gap). */
static int paced(struct ustate *st, const struct work *w) {
  if (st->hpace < 0) {
    int gap = 0;
    st->hpace = st->hint + 1 < w->nseg && !gpu_seg_kernel(w, st->hint + 1, &gap)->sync && gap;
  }
  return st->hpace;
}

/* wave_len of the kernel of st's segment on a SMs: a holder keeps its SMs
** over many calls (its co-runners' boundaries). */
static sl_ns wave_of(struct ustate *st, const struct gpu_kernel *k, int64_t a) {
  if (st->wl_a != a) {
    st->wl_a = a;
    st->wl = wave_len(k, a);
  }
  return st->wl;
}

/* SMs a holder's kernels may use: its unit's cap, and under mps the
** client's own share, which only lowers the server's limit (MPS obeys the
** lower of the two). */
static int64_t client_cap(const struct gpu_share *s, const struct holder *h) {
  int64_t cap = s->cap[h->unit];
  return s->mode == GS_MPS && h->share < cap ? h->share : cap;
}

/* Fill t[i] for each holder: its segment, kernel (NULL in a gap) and the
** SMs it demands. Returns the number of active holders. */
static size_t survey(const struct gpu_cfg *c, struct gpu_share *s, struct holder *h, size_t n) {
  size_t nact = 0;
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    /* What the deal accumulates starts at 0; the rest is set below for an
    ** active holder's kernel, and read only then. */
    t->k = NULL;
    t->seg = -1;
    t->locked = t->alloc = t->cores = t->hosted = 0;
    t->hbusy = 0;
    if (!h[i].active) continue;
    nact++;
    t->seg = segment(&s->st[i], h[i].work, h[i].progress);
    t->p = h[i].progress - s->st[i].lo;
    t->end = s->st[i].hi;
    t->k = s->st[i].hk;
    t->prio = s->prio[h[i].unit];
    if (t->k) {
      const struct ustate *st = &s->st[i];
      int64_t cap = client_cap(s, &h[i]);
      t->demand = t->k->blocks < cap ? t->k->blocks : cap;
      /* The kernel it was in at the last call keeps its launch order. */
      t->order = st->w == h[i].work && (st->seg == t->seg || st->seg == -1) ? st->order
                                                                            : ++s->clock;
    }
  }
  (void)c;
  return nact;
}

/* One active holder alone on a GPU whose SMs it may all use: rate 1 over its
** whole work (the fast path); its kernels hold the SMs they demand. */
static int alone(struct gpu_share *s, struct holder *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h[i].rate_q = RATE_ONE;
    h[i].until = work_total(h[i].work);
    if (h[i].active) {
      struct ustate *st = &s->st[i];
      if (s->tmp[i].k) st->order = s->tmp[i].order;
      st->w = h[i].work;
      st->seg = -1;
    }
  }
  return 0;
}

/* streams and mps: SMs by priority, blocks never preempted, bandwidth
** shared (docs/gpu_model.md, "Sharing"). */
/* Whether kernel a comes before kernel b when SMs are dealt. */
static int outranks(const struct hs *a, const struct hs *b) {
  return a->prio > b->prio || (a->prio == b->prio && a->order < b->order);
}

/* The deal order, by insertion: a few kernels per call (one per unit), for
** which qsort's call overhead dominates; launch orders are unique, so the
** order is total. */
static void deal_sort(struct hs **o, size_t n) {
  for (size_t i = 1; i < n; i++) {
    struct hs *x = o[i];
    size_t j = i;
    for (; j > 0 && outranks(x, o[j - 1]); j--) o[j] = o[j - 1];
    o[j] = x;
  }
}

/* Share of an SM's block slots a kernel fills on the SMs it holds alone. */
static double slots_used(const struct hs *t) {
  double u = (double)ceil_div64(t->k->blocks, t->alloc) / (double)t->k->blocks_per_sm;
  return u < 1 ? u : 1;
}

static void alloc_rates(const struct gpu_cfg *c, struct gpu_share *s, struct holder *h, size_t n) {
  int64_t free_sms = c->sms;
  double rho = 0, gil_sum = 0;
  size_t nk = 0;
  const struct hs *lacks = NULL;   /* the first in the deal order of the kernels short of SMs */
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    struct ustate *st = &s->st[i];
    if (!h[i].active) continue;
    t->hbusy = s->host_shared && h[i].progress < st->host_end;
    t->gil = 0;
    if (t->hbusy) {
      t->gil = st->host_gil >= 0 ? st->host_gil : s->gil;
      gil_sum += t->gil;
    }
    if (!t->k) continue;
    /* Its blocks that run keep their SMs until its wave boundary. */
    if (st->w == h[i].work && (st->seg == t->seg || st->seg == -1) && t->p > 0) {
      int64_t had = st->seg == -1 ? t->demand : st->alloc;
      sl_ns w = had > 0 ? wave_of(st, t->k, had) : 0;
      /* (0 < p < w: inside its first wave, no division needed.) */
      if (had > 0 && (t->p < w || t->p % w != 0))
        t->locked = had > t->demand ? t->demand : had;
    }
    free_sms -= t->locked;
  }
  /* Free SMs go to the kernels of the highest priority first, within a
  ** level to the one launched first (the work distributor dispatches a
  ** grid's blocks in launch order), each up to what it demands. */
  for (size_t i = 0; i < n; i++)
    if (s->tmp[i].k) s->ord[nk++] = &s->tmp[i];
  deal_sort(s->ord, nk);
  for (size_t r = 0; r < nk; r++) {
    struct hs *t = s->ord[r];
    int64_t lack = t->demand - t->locked;
    if (free_sms > 0 && lack > 0) {
      t->alloc = lack < free_sms ? lack : free_sms;
      free_sms -= t->alloc;
    }
    t->alloc += t->locked;
  }
  /* Co-residency: a kernel still short of SMs puts its blocks beside those
  ** of another kernel on SMs whose block slots that kernel leaves free
  ** (its blocks per SM below its occupancy limit), in the deal order; such
  ** an SM's throughput is split between the two. */
  for (size_t r = 0; r < nk; r++) {
    struct hs *t = s->ord[r];
    int64_t need = t->demand - t->alloc;
    for (size_t q = 0; q < nk && need > 0; q++) {
      struct hs *o = s->ord[q];
      int64_t room = o->alloc - o->hosted, take;
      if (o == t || room <= 0 ||
          slots_used(o) + 1.0 / (double)t->k->blocks_per_sm > 1.0 + 1e-9)
        continue;
      take = need < room ? need : room;
      t->cores += take;
      o->hosted += take;
      need -= take;
    }
  }
  for (size_t r = 0; r < nk && !lacks; r++)
    if (s->ord[r]->alloc + s->ord[r]->cores < s->ord[r]->demand) lacks = s->ord[r];
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    if (t->k && t->alloc + t->cores > 0) {
      struct ustate *st = &s->st[i];
      t->x = rounds_ratio(c, t->k, t->alloc + t->cores);
      t->comp = (double)t->k->compute_ns * t->x;
      t->mem = (double)t->k->memory_ns * t->x;
      if (t->x != 1) {
        rho += t->mem / ((double)c->kernel_ns + (t->comp > t->mem ? t->comp : t->mem));
      } else {
        /* The same quotient at x = 1, once per kernel. */
        if (st->rho1 < 0)
          st->rho1 = t->mem / ((double)c->kernel_ns + (t->comp > t->mem ? t->comp : t->mem));
        rho += st->rho1;
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    struct ustate *st = &s->st[i];
    /* One interpreter: each launching host waits for the others' shares of
    ** their time that hold the GIL (docs/gpu_model.md). */
    double rh = t->hbusy ? 1.0 / (1.0 + (gil_sum - t->gil)) : 1.0;
    if (!h[i].active) {
      h[i].rate_q = RATE_ONE;
      h[i].until = work_total(h[i].work);
      continue;
    }
    st->w = NULL;
    if (!t->k) {
      set_rate(&h[i], t->hbusy ? rh : 1.0);
      h[i].until = t->end;
      continue;
    }
    st->w = h[i].work;
    st->seg = t->seg;
    st->alloc = t->alloc;
    st->order = t->order;
    if (t->alloc + t->cores == 0) {
      h[i].rate_q = 1;
      h[i].until = h[i].progress + WAIT_HORIZON < t->end ? h[i].progress + WAIT_HORIZON : t->end;
      continue;
    }
    {
      /* Its SMs alone count whole, those it shares half. */
      int64_t span = t->alloc + t->cores;
      double share = t->hosted == 0 && t->cores == 0
                         ? 1.0
                         : ((double)t->alloc - 0.5 * (double)t->hosted + 0.5 * (double)t->cores) /
                               (double)span;
      double x = t->x, f = rho > 1 ? rho : 1;
      double comp = t->comp, mem = t->mem * f;
      double d = ((double)c->kernel_ns + (comp > mem ? comp : mem)) / share;
      double r = x == 1 && f == 1 && share == 1 ? 1.0 : (double)t->k->ns / d;
      /* Where a gap follows, the host is behind: the next launch, which
      ** the slowed host prepares during this kernel, paces it. Not where
      ** that launch is a sync (a decode step's first kernel): the host
      ** waits for this kernel to end, then launches in the gap. */
      if (t->hbusy && rh < r && paced(st, h[i].work)) r = rh;
      set_rate(&h[i], r);
    }
    h[i].until = t->end;
    if (t->hbusy && st->host_end < h[i].until) h[i].until = st->host_end;
    /* A kernel that lacks SMs and comes first in line takes some at this
    ** kernel's next wave boundary: the rates change there. (Where no such
    ** kernel waits, this one would take its SMs back at once: no event.) */
    /* (Ranks are a total order: some kernel short of SMs outranks this
    ** one exactly when the first of them in the deal order does.) */
    if (lacks && outranks(lacks, t) && t->alloc > 0) {
      sl_ns w = wave_of(st, t->k, t->alloc);
      sl_ns b = h[i].progress - t->p + (t->p / w + 1) * w;
      if (b < h[i].until) h[i].until = b;
    }
  }
}

/* timeslice: the n contexts with a kernel to run share the GPU at
** (1/n) slice / (slice + switch) each; a context in a host gap needs no
** slice and progresses at rate 1. */
static int slice_rates(struct gpu_share *s, struct holder *h, size_t n) {
  int ngpu = 0;
  for (size_t i = 0; i < n; i++)
    if (h[i].active && s->tmp[i].k) ngpu++;
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    h[i].rate_q = RATE_ONE;
    h[i].until = work_total(h[i].work);
    if (!h[i].active) continue;
    h[i].until = t->end;
    if (t->k && ngpu > 1)
      set_rate(&h[i], (double)s->slice_ns / (double)(s->slice_ns + s->switch_ns) / ngpu);
  }
  return 0;
}

/* mig: each kernel alone on its slice of cap SMs and 1/K of the bandwidth. */
static int mig_rates(const struct gpu_cfg *c, struct gpu_share *s, struct holder *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    struct hs *t = &s->tmp[i];
    h[i].rate_q = RATE_ONE;
    h[i].until = work_total(h[i].work);
    if (!h[i].active || s->nunits == 1) continue;
    h[i].until = t->end;
    if (t->k) {
      const struct gpu_kernel *k = t->k;
      int64_t a = s->cap[h[i].unit];
      /* Memory: the bytes at 1/K of the bandwidth, quantised over the
      ** slice's SMs; compute: the rounds at a SMs. */
      double qa = (double)a * (double)ceil_div64(k->blocks, a) / (double)k->blocks;
      double qs = (double)c->sms * (double)ceil_div64(k->blocks, c->sms) / (double)k->blocks;
      double comp = (double)k->compute_ns * rounds_ratio(c, k, a);
      double mem = (double)k->memory_ns / qs * qa * (double)s->nunits;
      set_rate(&h[i], (double)k->ns / ((double)c->kernel_ns + (comp > mem ? comp : mem)));
    }
  }
  return 0;
}

/* Bring the per-holder state into the order of this call's holders,
** matched by id (holders keep their order between calls, mostly). A holder
** that is not progressing holds no SMs: when it progresses again it is a
** newcomer. */
static void align(struct gpu_share *s, const struct holder *h, size_t n) {
  struct ustate *t = s->st2;
  if (n == s->nst) {
    /* The same holders in the same order (a boundary of one of them): the
    ** state stays where it is. */
    size_t i = 0;
    for (; i < n && s->st[i].id == h[i].id; i++)
      if (!h[i].active) {
        memset(&s->st[i], 0, sizeof s->st[i]);
        s->st[i].id = h[i].id;
      }
    if (i == n) return;
  }
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    if (j >= s->nst || s->st[j].id != h[i].id)
      for (j = 0; j < s->nst && s->st[j].id != h[i].id; j++) continue;
    if (j < s->nst && h[i].active) {
      t[i] = s->st[j];
    } else {
      memset(&t[i], 0, sizeof t[i]);
      t[i].id = h[i].id;
    }
  }
  s->st2 = s->st;
  s->st = t;
  s->nst = n;
}

int gpu_share_rates(const struct device *d, const struct gpu_cfg *cfg, struct gpu_share *s,
                    struct holder *h, size_t n, struct sl_err *e) {
  size_t nact;
  (void)d;
  if (n > s->tmp_cap) {
    size_t cap = s->tmp_cap, cap2 = s->tmp_cap;
    struct hs *t = sl_grow(s->tmp, &cap, n, sizeof *t, e);
    size_t cap3 = s->tmp_cap, cap4 = s->tmp_cap, m;
    struct hs **o;
    struct ustate *u;
    if (!t) return -1;
    s->tmp = t;
    if (!(o = sl_grow(s->ord, &cap2, n, sizeof *o, e))) return -1;
    s->ord = o;
    if (!(u = sl_grow(s->st, &cap3, n, sizeof *u, e))) return -1;
    s->st = u;
    if (!(u = sl_grow(s->st2, &cap4, n, sizeof *u, e))) return -1;
    s->st2 = u;
    m = cap < cap2 ? cap : cap2;
    m = m < cap3 ? m : cap3;
    s->tmp_cap = m < cap4 ? m : cap4;
  }
  align(s, h, n);
  nact = survey(cfg, s, h, n);
  switch (s->mode) {
  case GS_TIMESLICE: return nact <= 1 ? alone(s, h, n) : slice_rates(s, h, n);
  case GS_MIG: return mig_rates(cfg, s, h, n);
  default: break;
  }
  if (nact <= 1) {
    int capped = 0;
    for (size_t i = 0; i < n; i++)
      if (h[i].active && client_cap(s, &h[i]) < cfg->sms) capped = 1;
    if (!capped) return alone(s, h, n);
  }
  alloc_rates(cfg, s, h, n);
  return 0;
}

/* }=================================================================== */
