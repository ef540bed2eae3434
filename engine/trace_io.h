/*
** trace_io.h — what the trace tools (`trace stats|slice|scale|merge`) read
** and write. A row source hides which reader parses the input: today the
** native CSV reader (trace.h); a reader driven by a format spec plugs in
** behind the same three calls. The writer produces the native CSV through
** a temporary file renamed into place, so a failure leaves nothing behind.
** Both readers today are trace.h's (the native CSV, and any line format
** through a format spec); `next`/`close` leave room for others.
*/
#ifndef TRACE_IO_H
#define TRACE_IO_H

#include "trace.h"

#include <stdio.h>

struct trace_src {
  const char *path;        /* for messages; not owned */
  int has_deadline;        /* the input has a deadline column */
  int has_workload;        /* the input has a workload column */
  /* 1: a row in *r (its strings valid until the next call); 0: end; -1: error. */
  int (*next)(struct trace_src *s, struct trace_row *r, struct sl_err *e);
  void (*close)(struct trace_src *s);
  struct trace native;     /* the native reader's state */
  void *impl;              /* another reader's state */
};

/* Open `path` as a trace: the native CSV when `spec` is NULL, else read
** through the format spec `spec` (a name in traces/formats/ or a .fmt path;
** plain, .gz or .zst). */
int trace_src_open(struct trace_src *s, const char *path, const char *spec, struct sl_err *e);
void trace_src_close(struct trace_src *s);

/* The native CSV: arrival_ns,network,batch,priority,tenant,id, then
** deadline_ns and workload when asked for. */
struct trace_out {
  char *path;              /* NULL: stdout */
  char *tmp;               /* the temporary file, renamed onto path by commit */
  FILE *f;
  int deadline, workload;  /* write those columns */
  int64_t rows;
};

/* Start an output. `path` NULL or "-" is stdout (written whole at commit).
** An output that is one of `inputs` (by device and inode, whatever the
** spelling) is refused before anything is written. */
int trace_out_open(struct trace_out *o, const char *path, const char *const *inputs, size_t ninputs,
                   int deadline, int workload, struct sl_err *e);
int trace_out_row(struct trace_out *o, const struct trace_row *r, struct sl_err *e);
/* Flush and rename into place (or copy to stdout); frees the output. */
int trace_out_commit(struct trace_out *o, struct sl_err *e);
/* Drop a failed output: removes the temporary file; frees the output. */
void trace_out_abort(struct trace_out *o);
/* The name written for the output in messages. */
const char *trace_out_name(const struct trace_out *o);

#endif
