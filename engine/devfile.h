/*
** devfile.h — device files, the `field = value` lines that describe an npu,
** gpu or cpu device (traces/devices/README.md): their presets, `base =
** PRESET` chains and bad lines, and --device-param overrides of their
** fields. Each device kind says what its fields are.
*/
#ifndef DEVFILE_H
#define DEVFILE_H

#include "device.h"

#define DEVFILE_MAX_FIELDS 64  /* fields a device kind may have */
#define DEVFILE_BASE_DEPTH 4   /* `base = PRESET` chains longer than this are refused */
#define DEVFILE_LINE 1024      /* bytes of a line, newline included */

/* A device kind's fields, as the reader needs them. */
struct devfile {
  const char *kind;            /* "npu": named in "unknown npu preset 'x'" */
  int base;                    /* 1: a file may start from a preset with `base = PRESET` */
  const void *fields;          /* the kind's field table: structs whose first member is
                               ** the field's name (const char *) */
  size_t field_size;           /* bytes of one entry of the table */
  size_t nfields;              /* entries, at most DEVFILE_MAX_FIELDS */
  int (*set)(void *cfg, int field, const char *value, struct sl_err *e); /* -1: why in e */
};

/* Which fields a file gave. */
struct devfile_given {
  uint64_t set;                    /* bit i: field i given by the file or its base */
  long line[DEVFILE_MAX_FIELDS];   /* the file's own line that gave field i; 0: none */
};

/* The file a device argument names: an existing file, else the preset
** traces/devices/ARG.dev under the project home. 0, or -1 with "ARG: no
** such device file" or "unknown KIND preset 'ARG' (...)" in e. */
int devfile_resolve(const char *kind, const char *arg, char *path, size_t n, struct sl_err *e);

/* Read the device file `path` into cfg through df->set. `#` starts a
** comment; blank lines, a UTF-8 byte order mark and white space around
** fields and values are skipped. `base = PRESET` (first, once) reads a
** preset of traces/devices/ first, by name only, so a device file cannot
** make schedlab read or quote any other file. Fails (-1) with
** "FILE:LINE: field 'x': why" in e: an unknown field, a field given twice
** in one file (both lines named), no value, a bad value, a NUL byte, a
** line over DEVFILE_LINE - 2 bytes; lines of a preset are never quoted.
** Checking that every field is given is the caller's, from g. */
int devfile_read(const struct devfile *df, void *cfg, const char *path, struct devfile_given *g,
                 struct sl_err *e);

/* The preset the device file `path` starts from: its first `base = PRESET`
** line, read as devfile_read reads lines, resolved as devfile_read resolves
** it. 1 with the preset's path in base, 0 none, -1 (cannot open, a line
** devfile_read refuses, a bad preset name) with why in e. Checks nothing
** else: the run key follows a chain with it, the run reads it. */
int devfile_base(const char *kind, const char *path, char *base, size_t n, struct sl_err *e);

/* Set one --device-param of cfg: a field of the kind, by name. -1 with
** "unknown device param 'x' for KIND (known: FIELDS, units MORE)" or
** "device param 'x': why" in e; MORE lists the kind's other params
** (", sharing, ...") or is "". */
int devfile_param(const struct devfile *df, void *cfg, const struct kv *p, const char *more,
                  struct sl_err *e);

#endif
