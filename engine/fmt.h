/*
** fmt.h — trace format specs (the .fmt files of traces/formats/, documented in
** traces/formats/README.md): a PCRE2 pattern with named groups per record,
** and rules that turn the groups of a matching line into a request (arrival,
** network, tenant, batch, priority, deadline, workload). Patterns are
** JIT-compiled once; matching a line allocates nothing.
*/
#ifndef FMT_H
#define FMT_H

#include "sl.h"

struct fmt;

/* What one line is. */
enum fmt_line { FMT_SKIP = 0, FMT_RECORD = 1, FMT_BAD = -1, FMT_FATAL = -2 };

/* One record's request; strings live in the fmt's buffers until the next
** fmt_line call. */
struct fmt_rec {
  sl_ns arrival;           /* ns, relative to the first record (absolute formats) */
  sl_ns deadline;          /* ns after the arrival, or SL_NS_NONE */
  const char *network, *tenant, *workload;   /* tenant/workload NULL when the spec has none */
  int32_t batch, priority;
};

/* Resolve SPEC (a name in traces/formats/ or a path: it contains '/' or ends
** in .fmt) to the file it names. */
void fmt_spec_path(const char *spec, char *path, size_t n);
/* Load and compile the spec SPEC names. Errors name the spec file and line. */
int fmt_load(struct fmt **f, const char *spec, struct sl_err *e);
/* Compile a spec from text; `path` names it in messages. */
int fmt_parse(struct fmt **f, const char *path, const char *text, size_t len, struct sl_err *e);
void fmt_free(struct fmt *f);
/* The spec's file name, and its text (the run key hashes it). */
const char *fmt_path(const struct fmt *f);
/* Whether the spec sets tenant / workload (else the trace has no such column). */
int fmt_has_tenant(const struct fmt *f);
int fmt_has_workload(const struct fmt *f);
int fmt_has_deadline(const struct fmt *f);

/* A new input file begins (call it for the first one too): header lines
** may come again, and {_file} becomes its base name without extensions. */
void fmt_new_file(struct fmt *f, const char *path);
/* Classify and read one line (without its newline): FMT_RECORD with *r
** filled; FMT_SKIP for blank, comment and header lines; FMT_BAD with a
** message (no file or line: the caller adds them) naming what did not match
** or which value is wrong; FMT_FATAL on out of memory. */
int fmt_line(struct fmt *f, const char *line, size_t len, struct fmt_rec *r, struct sl_err *e);

#endif
