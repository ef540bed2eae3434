/*
** gpu_validate.h — the GPU model against measured end-to-end latencies
** (experiments/calibration/gpu_h100/e2e_latency.csv and others): predicted and measured
** per (network, dtype, batch) in graph and eager mode, the split into the
** rows the constants were fitted on and the held-out rows, MAPE per mode,
** and the verdict. The markdown output is docs/gpu_validation.md.
*/
#ifndef GPU_VALIDATE_H
#define GPU_VALIDATE_H

#include "device.h"

#include <stdio.h>

#define GPU_VALIDATE_GRAPH_MAX 0.15   /* held-out MAPE limit, launch=graph */
#define GPU_VALIDATE_EAGER_MAX 0.30   /* held-out MAPE limit, launch=eager (host gaps are noisy) */

/* Compare DIR/e2e_latency.csv with device `spec` (params applied, then
** dtype and launch per row). Writes the table to `out` (markdown when
** `markdown`); returns 0 when the held-out MAPE of both modes is within
** the limits, 1 when not, -1 with a message on bad input. */
int gpu_validate(const char *dir, const char *spec, const struct kv *params, size_t nparams,
                 int markdown, FILE *out, struct sl_err *e);

#endif
