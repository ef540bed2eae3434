/*
** gpu_share.h — several requests on one GPU (docs/gpu_model.md, "Sharing"):
** the `sharing` device param of the gpu device and the rates it gives
** co-running requests through the engine's rates callback
** (docs/concurrency.md). Streams of one process with priorities, time
** slices between processes, MPS clients capped at a share of the SMs, MIG
** slices. Closed forms per kernel and per wave: no event per thread block.
*/
#ifndef GPU_SHARE_H
#define GPU_SHARE_H

#include "device.h"
#include "gpu.h"

enum gpu_sharing { GS_EXCLUSIVE = 0, GS_STREAMS, GS_TIMESLICE, GS_MPS, GS_MIG, GS_NMODES };
extern const char *const gpu_sharing_names[GS_NMODES];

/* The sharing params as the user gave them (NULL: not given). */
struct gpu_share_params {
  const char *sharing, *stream_prio, *mps_sms, *timeslice_ns, *ctx_switch_ns, *host, *gil_frac;
};

struct gpu_share;

/* 1 when key is a sharing param (its value kept in p), 0 otherwise. */
int gpu_share_take(struct gpu_share_params *p, const char *key, const char *value);
/* Check the params against the GPU (cfg) and d->nunits, set d->ukind and
** record the resolved params. *out stays NULL for sharing=exclusive (the
** engine's fast path: no rates callback). */
int gpu_share_open(struct device *d, const struct gpu_cfg *cfg, const struct gpu_share_params *p,
                   struct gpu_share **out, struct sl_err *e);
void gpu_share_free(struct gpu_share *s);
/* The device's rates callback: the rate of every holder and the progress up
** to which it holds (a kernel's end, a wave boundary, a gap's end). */
int gpu_share_rates(const struct device *d, const struct gpu_cfg *cfg, struct gpu_share *s,
                    struct holder *h, size_t n, struct sl_err *e);

/* dev_gpu.c: the kernel of segment seg of a gpu work; *gap = 1 when the
** segment is the host launch gap before that kernel. */
const struct gpu_kernel *gpu_seg_kernel(const struct work *w, int32_t seg, int *gap);
/* dev_gpu.c: the progress (isolated ns) at which the host has launched the
** last kernel of a gpu work (eager: the sum of the host costs and of the
** host's sync waits before its last launch; graph: 0). */
sl_ns gpu_work_host_end(const struct work *w);
/* dev_gpu.c: its network's `# host gil=` share, -1 when it declares none. */
double gpu_work_host_gil(const struct work *w);

#endif
