/*
** devfile.c — the reader of device files shared by the npu, gpu and cpu
** devices, and by the run key for `base =` chains: lines, comments, `base =
** PRESET` chains, presets by name, and messages naming the file, the line
** and the field; and --device-param overrides of the same fields.
*/
#include "devfile.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A preset by name: a plain name, resolved inside traces/devices/ only. */
static int preset_path(const char *kind, const char *name, char *path, size_t n,
                       struct sl_err *e) {
  char home[1024];
  struct stat st;
  if (!*name || strchr(name, '/') || strstr(name, "..") || strlen(name) > 200)
    return sl_errf(e, "'%s' is not a preset name (a name from traces/devices/, without '/' "
                      "or '..')", name);
  snprintf(path, n, "%s/traces/devices/%s.dev", sl_home(home, sizeof home), name);
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return sl_errf(e, "unknown %s preset '%s' (no traces/devices/%s.dev; see 'schedlab list "
                      "devices')", kind, name, name);
  return 0;
}

int devfile_resolve(const char *kind, const char *arg, char *path, size_t n, struct sl_err *e) {
  struct stat st;
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
    snprintf(path, n, "%s", arg);
    return 0;
  }
  if (strchr(arg, '/') || (strlen(arg) > 4 && !strcmp(arg + strlen(arg) - 4, ".dev")))
    return sl_errf(e, "%s: no such device file", arg);
  return preset_path(kind, arg, path, n, e);
}

/* One line into buf (newline dropped, a UTF-8 byte order mark at the start
** of line 1 skipped): 1 read, 0 end of file, -1 a NUL byte, an over-long
** line or a read error. */
static int read_line(FILE *f, char *buf, const char *path, long lineno, struct sl_err *e) {
  size_t n = 0;
  int ch;
  while ((ch = getc(f)) != EOF && ch != '\n') {
    if (ch == 0) return sl_errf(e, "%s:%ld: NUL byte at column %zu", path, lineno, n + 1);
    if (n + 1 >= DEVFILE_LINE)
      return sl_errf(e, "%s:%ld: line longer than %d bytes", path, lineno, DEVFILE_LINE - 2);
    buf[n++] = (char)ch;
  }
  if (ch == EOF && n == 0) return ferror(f) ? sl_errf(e, "%s: read error", path) : 0;
  buf[n] = 0;
  if (lineno == 1 && !strncmp(buf, "\xEF\xBB\xBF", 3)) memmove(buf, buf + 3, n - 2);
  return 1;
}

/* The next line with a field after *lineno, its `#` comment cut: *key the
** trimmed name and *val the trimmed value, or *key the whole trimmed line
** and *val NULL where it has no '='. 1, 0 at end of file, -1 as read_line. */
static int next_field(FILE *f, char *buf, const char *path, long *lineno, char **key, char **val,
                      struct sl_err *e) {
  int r;
  while ((r = read_line(f, buf, path, *lineno + 1, e)) == 1) {
    char *s, *eq, *hash;
    ++*lineno;
    if ((hash = strchr(buf, '#'))) *hash = 0;
    s = sl_trim(buf);
    if (!*s) continue;
    *val = NULL;
    if ((eq = strchr(s, '='))) {
      *eq = 0;
      s = sl_trim(s);
      *val = sl_trim(eq + 1);
    }
    *key = s;
    return 1;
  }
  return r;
}

/* The name of field i: the first member of its entry. */
static const char *field_name(const struct devfile *df, size_t i) {
  return *(const char *const *)(const void *)((const char *)df->fields + i * df->field_size);
}

static int field_index(const struct devfile *df, const char *name) {
  for (size_t i = 0; i < df->nfields; i++)
    if (!strcmp(field_name(df, i), name)) return (int)i;
  return -1;
}

/* The file at `depth` of a base chain (0: the file the user named); `g`
** gathers what every file of the chain set, `line` what this one gave. */
static int read_at(const struct devfile *df, void *cfg, const char *path, int depth,
                   struct devfile_given *g, long *line, struct sl_err *e) {
  FILE *f = fopen(path, "r");
  char buf[DEVFILE_LINE], *key, *val;
  long lineno = 0, base_line = 0;
  int r;
  if (!f) return sl_errf(e, "%s: cannot open", path);
  while ((r = next_field(f, buf, path, &lineno, &key, &val, e)) == 1) {
    int fd;
    if (!val) {
      if (depth == 0) sl_errf(e, "%s:%ld: expected 'field = value', got '%s'", path, lineno, key);
      else sl_errf(e, "%s:%ld: expected 'field = value'", path, lineno);
      goto fail;
    }
    if (df->base && !strcmp(key, "base")) {    /* start from a preset, then override */
      char bpath[2048];
      long bline[DEVFILE_MAX_FIELDS] = {0};
      if (depth >= DEVFILE_BASE_DEPTH) {
        sl_errf(e, "%s:%ld: field 'base': presets nest deeper than %d", path, lineno,
                DEVFILE_BASE_DEPTH);
        goto fail;
      }
      if (base_line) {
        sl_errf(e, "%s:%ld: field 'base': given twice (lines %ld and %ld)", path, lineno,
                base_line, lineno);
        goto fail;
      }
      base_line = lineno;
      if (g->set) {
        sl_errf(e, "%s:%ld: field 'base': must come before the other fields", path, lineno);
        goto fail;
      }
      if (preset_path(df->kind, val, bpath, sizeof bpath, e) < 0 ||
          read_at(df, cfg, bpath, depth + 1, g, bline, e) < 0) {
        sl_err_prefix(e, "%s:%ld: field 'base'", path, lineno);
        goto fail;
      }
      continue;
    }
    if ((fd = field_index(df, key)) < 0) {
      sl_errf(e, "%s:%ld: field '%s': unknown field (known: %s", path, lineno, key,
              df->base ? "base" : "");
      for (size_t i = 0; i < df->nfields; i++)
        sl_err_append(e, "%s%s", i || df->base ? ", " : "", field_name(df, i));
      sl_err_append(e, ")");
      goto fail;
    }
    if (line[fd]) {
      sl_errf(e, "%s:%ld: field '%s': given twice (lines %ld and %ld)", path, lineno, key,
              line[fd], lineno);
      goto fail;
    }
    line[fd] = lineno;
    if (!*val) {
      sl_errf(e, "%s:%ld: field '%s': no value", path, lineno, key);
      goto fail;
    }
    if (df->set(cfg, fd, val, e) < 0) {
      sl_err_prefix(e, "%s:%ld: field '%s'", path, lineno, key);
      goto fail;
    }
    g->set |= (uint64_t)1 << fd;
  }
  if (r < 0) goto fail;
  fclose(f);
  return 0;
fail:
  fclose(f);
  return -1;
}

int devfile_read(const struct devfile *df, void *cfg, const char *path, struct devfile_given *g,
                 struct sl_err *e) {
  memset(g, 0, sizeof *g);
  if (df->nfields > DEVFILE_MAX_FIELDS)
    return sl_errf(e, "%s devices have %zu fields, more than a device file holds (%d)", df->kind,
                   df->nfields, DEVFILE_MAX_FIELDS);
  return read_at(df, cfg, path, 0, g, g->line, e);
}

int devfile_base(const char *kind, const char *path, char *base, size_t n, struct sl_err *e) {
  FILE *f = fopen(path, "r");
  char buf[DEVFILE_LINE], *key, *val;
  long lineno = 0;
  int r;
  if (!f) return sl_errf(e, "%s: cannot open", path);
  while ((r = next_field(f, buf, path, &lineno, &key, &val, e)) == 1)
    if (val && !strcmp(key, "base")) {
      r = preset_path(kind, val, base, n, e) < 0 ? -1 : 1;
      break;
    }
  fclose(f);
  return r;
}

int devfile_param(const struct devfile *df, void *cfg, const struct kv *p, const char *more,
                  struct sl_err *e) {
  int fd = field_index(df, p->key);
  if (fd < 0) {
    sl_errf(e, "unknown device param '%s' for %s (known: ", p->key, df->kind);
    for (size_t i = 0; i < df->nfields; i++) sl_err_append(e, "%s, ", field_name(df, i));
    sl_err_append(e, "units%s)", more);
    return -1;
  }
  if (df->set(cfg, fd, p->value, e) < 0) return sl_err_prefix(e, "device param '%s'", p->key);
  return 0;
}
