/*
** trace_io.c — row sources and the native CSV writer of the trace tools;
** see trace_io.h.
*/
#include "trace_io.h"

#include "fmtread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* {===================================================================
** Sources
** =================================================================== */

static int native_next(struct trace_src *s, struct trace_row *r, struct sl_err *e) {
  return trace_next(&s->native, r, e);
}

static void native_close(struct trace_src *s) { trace_close(&s->native); }

int trace_src_open(struct trace_src *s, const char *path, const char *spec, struct sl_err *e) {
  memset(s, 0, sizeof *s);
  s->path = path;
  /* The spec reader keeps the address of its list of paths: s->path,
  ** which lives as long as the source (so a source must not be moved). */
  if ((spec ? trace_open_spec(&s->native, &s->path, 1, spec, 0, e)
            : trace_open(&s->native, path, e)) < 0)
    return -1;
  if (s->native.fr) {
    s->has_deadline = fmt_has_deadline(s->native.fr->fmt);
    s->has_workload = fmt_has_workload(s->native.fr->fmt);
  } else {
    s->has_deadline = s->native.col_deadline >= 0;
    s->has_workload = s->native.col_workload >= 0;
  }
  s->next = native_next;
  s->close = native_close;
  return 0;
}

void trace_src_close(struct trace_src *s) {
  if (s->close) s->close(s);
  s->close = NULL;
}

/* }=================================================================== */

/* {===================================================================
** The writer
** =================================================================== */

const char *trace_out_name(const struct trace_out *o) { return o->path ? o->path : "stdout"; }

/* A field as CSV needs it: quoted when it holds a comma, a quote or
** surrounding blanks (the reader trims those), quotes doubled. */
static void put_field(FILE *f, const char *s) {
  size_t n = strlen(s);
  int quote = strpbrk(s, ",\"") != NULL ||
              (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));
  if (!quote) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void out_free(struct trace_out *o) {
  if (o->f) fclose(o->f);
  free(o->path);
  free(o->tmp);
  memset(o, 0, sizeof *o);
}

int trace_out_open(struct trace_out *o, const char *path, const char *const *inputs, size_t ninputs,
                   int deadline, int workload, struct sl_err *e) {
  struct stat so, si;
  int fd;
  memset(o, 0, sizeof *o);
  o->deadline = deadline;
  o->workload = workload;
  if (path && strcmp(path, "-")) {
    if (stat(path, &so) == 0)
      for (size_t i = 0; i < ninputs; i++)
        if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
          return sl_errf(e, "%s: the output is the input %s; write elsewhere", path, inputs[i]);
    if (!(o->path = sl_strdup(path, e))) return -1;
    if (!(o->tmp = sl_alloc(strlen(path) + 16, e))) { out_free(o); return -1; }
    snprintf(o->tmp, strlen(path) + 16, "%s.tmp.XXXXXX", path);
    if ((fd = mkstemp(o->tmp)) < 0) {
      sl_errf(e, "%s: %s", o->tmp, strerror(errno));
      out_free(o);
      return -1;
    }
    {
      /* mkstemp makes the file private; the trace gets the usual mode. */
      mode_t mask = umask(0);
      umask(mask);
      if (fchmod(fd, 0666 & ~mask) != 0) { /* keep 0600: still a correct trace */ }
    }
    if (!(o->f = fdopen(fd, "w"))) {
      sl_errf(e, "%s: %s", o->tmp, strerror(errno));
      close(fd);
      remove(o->tmp);
      out_free(o);
      return -1;
    }
  } else if (!(o->f = tmpfile())) {
    return sl_errf(e, "temporary file: %s", strerror(errno));
  }
  fprintf(o->f, "arrival_ns,network,batch,priority,tenant,id%s%s\n", deadline ? ",deadline_ns" : "",
          workload ? ",workload" : "");
  return 0;
}

int trace_out_row(struct trace_out *o, const struct trace_row *r, struct sl_err *e) {
  FILE *f = o->f;
  fprintf(f, "%lld,", (long long)r->arrival);
  put_field(f, r->network);
  fprintf(f, ",%d,%d,", (int)r->batch, (int)r->priority);
  put_field(f, r->tenant);
  fprintf(f, ",%lld", (long long)r->id);
  if (o->deadline) {
    fputc(',', f);
    if (r->deadline != SL_NS_NONE) fprintf(f, "%lld", (long long)r->deadline);
  }
  if (o->workload) {
    fputc(',', f);
    put_field(f, r->workload);
  }
  if (fputc('\n', f) == EOF)
    return sl_errf(e, "%s: %s", o->tmp ? o->tmp : "temporary file", strerror(errno));
  o->rows++;
  return 0;
}

int trace_out_commit(struct trace_out *o, struct sl_err *e) {
  int rc = 0;
  if (fflush(o->f) != 0 || ferror(o->f)) {
    sl_errf(e, "%s: %s", o->tmp ? o->tmp : "temporary file", strerror(errno));
    trace_out_abort(o);
    return -1;
  }
  if (!o->path) {
    char buf[65536];
    size_t n;
    rewind(o->f);
    while ((n = fread(buf, 1, sizeof buf, o->f)) > 0)
      if (fwrite(buf, 1, n, stdout) != n) break;
    if (ferror(o->f) || fflush(stdout) != 0 || ferror(stdout))
      rc = sl_errf(e, "stdout: %s", strerror(errno));
    out_free(o);
    return rc;
  }
  if (fclose(o->f) != 0) {
    o->f = NULL;
    sl_errf(e, "%s: %s", o->tmp, strerror(errno));
    trace_out_abort(o);
    return -1;
  }
  o->f = NULL;
  if (rename(o->tmp, o->path) != 0) {
    sl_errf(e, "%s: %s", o->path, strerror(errno));
    trace_out_abort(o);
    return -1;
  }
  out_free(o);
  return 0;
}

void trace_out_abort(struct trace_out *o) {
  if (o->f) fclose(o->f);
  o->f = NULL;
  if (o->tmp) remove(o->tmp);
  out_free(o);
}

/* }=================================================================== */
