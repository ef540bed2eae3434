/*
** util.c — error buffers, checked allocation, string buffers, exact number
** parsing, hashing and locating the project's data directories.
*/
#include "sl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sl_errf(struct sl_err *e, const char *fmt, ...) {
  va_list ap;
  if (!e) return -1;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return -1;
}

int sl_err_prefix(struct sl_err *e, const char *fmt, ...) {
  char prefix[1024], old[sizeof e->msg];
  va_list ap;
  if (!e) return -1;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old);
  return -1;
}

void sl_err_append(struct sl_err *e, const char *fmt, ...) {
  size_t n;
  va_list ap;
  if (!e) return;
  n = strlen(e->msg);
  va_start(ap, fmt);
  vsnprintf(e->msg + n, sizeof e->msg - n, fmt, ap);
  va_end(ap);
}

void sl_panic(const char *file, int line, const char *what) {
  fprintf(stderr, "schedlab: internal error at %s:%d: %s\n", file, line, what);
  abort();
}

void *sl_alloc(size_t n, struct sl_err *e) {
  void *p = calloc(1, n ? n : 1);
  if (!p) sl_errf(e, "out of memory (%zu bytes)", n);
  return p;
}

/* Make room for `need` elements of `elem` bytes in a heap array of `*cap`
** elements, doubling. Returns the (possibly moved) array, or NULL with
** `p` untouched on failure. */
void *sl_grow(void *p, size_t *cap, size_t need, size_t elem, struct sl_err *e) {
  size_t c = *cap ? *cap : 8;
  void *q;
  if (need <= *cap) return p;
  while (c < need) c *= 2;
  if (c > SIZE_MAX / elem) { sl_errf(e, "out of memory"); return NULL; }
  q = realloc(p, c * elem);
  if (!q) { sl_errf(e, "out of memory (%zu bytes)", c * elem); return NULL; }
  *cap = c;
  return q;
}

char *sl_strdup(const char *s, struct sl_err *e) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (!d) { sl_errf(e, "out of memory"); return NULL; }
  memcpy(d, s, n);
  return d;
}

void sl_buf_add(struct sl_buf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 64;
    char *q;
    while (c < b->len + n + 1) c *= 2;
    q = realloc(b->s, c);
    if (!q) { b->oom = 1; return; }
    b->s = q;
    b->cap = c;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sl_buf_addf(struct sl_buf *b, const char *fmt, ...) {
  char small[512];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) { b->oom = 1; return; }
  if ((size_t)n < sizeof small) { sl_buf_add(b, small, (size_t)n); return; }
  {
    char *big = malloc((size_t)n + 1);
    if (!big) { b->oom = 1; return; }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sl_buf_add(b, big, (size_t)n);
    free(big);
  }
}

void sl_buf_free(struct sl_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

char *sl_trim(char *s) {
  char *end = s + strlen(s);
  while (*s == ' ' || *s == '\t') s++;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
    end--;
  *end = 0;
  return s;
}

int sl_is_ident(const char *s, size_t n) {
  if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
    return 0;
  for (size_t i = 1; i < n; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
          (s[i] >= '0' && s[i] <= '9')))
      return 0;
  return 1;
}

int sl_cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sl_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int sl_parse_i64(const char *s, int64_t *out) {
  char *end;
  long long v;
  if (!*s) return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

int sl_parse_double(const char *s, double *out) {
  char *end;
  double v;
  if (!*s) return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno || *end || v != v) return -1;
  *out = v;
  return 0;
}

int sl_parse_decimal_scaled(const char *s, size_t n, int scale, int64_t *out) {
  /* Collect up to 36 significant digits and a decimal exponent, then shift. */
  char dig[40];
  int nd = 0, exp10 = 0, seen_digit = 0, neg = 0;
  size_t i = 0;
  __int128 v = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = (s[i++] == '-');
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    seen_digit = 1;
    if (nd == 0 && s[i] == '0') continue;
    if (nd < 36) dig[nd++] = s[i]; else exp10++;
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
      seen_digit = 1;
      if (nd == 0 && s[i] == '0') { exp10--; continue; }
      if (nd < 36) { dig[nd++] = s[i]; exp10--; }
    }
  }
  if (!seen_digit) return -1;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    int eneg = 0, e = 0, any = 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = (s[i++] == '-');
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
      any = 1;
      if (e < 10000) e = e * 10 + (s[i] - '0');
    }
    if (!any) return -1;
    exp10 += eneg ? -e : e;
  }
  if (i != n) return -1;
  exp10 += scale;
  if (nd == 0) { *out = 0; return 0; }
  if (nd + exp10 > 19) return -2;               /* beyond int64 */
  if (exp10 >= 0) {
    for (int k = 0; k < nd; k++) v = v * 10 + (dig[k] - '0');
    for (int k = 0; k < exp10; k++) v *= 10;
  } else {
    int keep = nd + exp10;                       /* digits left of the point */
    int round_up = 0;
    for (int k = 0; k < keep; k++) v = v * 10 + (dig[k] - '0');
    if (keep >= 0 && keep < nd) round_up = dig[keep] >= '5';
    else if (keep < 0) round_up = 0;
    v += round_up;
  }
  if (v > INT64_MAX) return -2;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return 0;
}

int sl_parse_duration(const char *s, sl_ns *out) {
  size_t n = strlen(s);
  int scale = 0;
  if (n > 2 && !strcmp(s + n - 2, "ns")) { n -= 2; scale = 0; }
  else if (n > 2 && !strcmp(s + n - 2, "us")) { n -= 2; scale = 3; }
  else if (n > 2 && !strcmp(s + n - 2, "ms")) { n -= 2; scale = 6; }
  else if (n > 1 && s[n - 1] == 's') { n -= 1; scale = 9; }
  return sl_parse_decimal_scaled(s, n, scale, out);
}

uint64_t sl_hash(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static int is_home(const char *dir) {
  char p[PATH_MAX];
  struct stat st;
  snprintf(p, sizeof p, "%s/policies_lua", dir);
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *sl_home(char *buf, size_t n) {
  const char *env = getenv("SCHEDLAB_HOME");
  char exe[PATH_MAX];
  ssize_t len;
  if (env && *env) {
    snprintf(buf, n, "%s", env);
    return buf;
  }
  len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = 0;
    /* bin/schedlab, build/release/schedlab, ...: walk up to the project. */
    for (int up = 0; up < 4; up++) {
      char *slash = strrchr(exe, '/');
      if (!slash || slash == exe) break;
      *slash = 0;
      if (is_home(exe)) {
        snprintf(buf, n, "%s", exe);
        return buf;
      }
    }
  }
  snprintf(buf, n, ".");
  return buf;
}

char *sl_read_file(const char *path, size_t *len, struct sl_err *e) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0, n = 0, r;
  if (!f) { sl_errf(e, "%s: %s", path, strerror(errno)); return NULL; }
  for (;;) {
    char *q = sl_grow(data, &cap, n + 65536 + 1, 1, e);
    if (!q) { free(data); fclose(f); return NULL; }
    data = q;
    r = fread(data + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
  }
  if (ferror(f)) {
    sl_errf(e, "%s: read error", path);
    free(data);
    fclose(f);
    return NULL;
  }
  fclose(f);
  data[n] = 0;
  if (len) *len = n;
  return data;
}
