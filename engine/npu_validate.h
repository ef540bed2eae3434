/*
** npu_validate.h — the NPU model against SCALE-Sim v2: per-layer compute
** cycles of the model next to SCALE-Sim's, the error table (text or the
** markdown of docs/npu_validation.md) and the pass/fail verdict.
*/
#ifndef NPU_VALIDATE_H
#define NPU_VALIDATE_H

#include "sl.h"

#include <stdio.h>

#define NPU_VALIDATE_MEDIAN_MAX 0.05   /* fail above this median |error| of a network's layers */
#define NPU_VALIDATE_TOTAL_MAX 0.10    /* fail above this |error| of a network's total */

/* Compare every per-layer file (*.csv, the columns of
** calibration/scalesim/README.md) in `dir`, write the table to `out`
** (markdown when `markdown`), and return 0 when every (configuration,
** network) passes, 1 when one fails, -1 with a message on bad input. */
int npu_validate(const char *dir, int markdown, FILE *out, struct sl_err *e);

#endif
