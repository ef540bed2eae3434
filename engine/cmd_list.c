/*
** cmd_list.c — `schedlab list policies|devices|networks`.
*/
#include "cli.h"
#include "network.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Sorted names in `dir` ending in `ext`; NULL-terminated, caller frees. */
static char **dir_names(const char *dir, const char *ext) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char **v = NULL, **nv;
  size_t n = 0, cap = 0, el = strlen(ext);
  if (!d) return NULL;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len <= el || strcmp(de->d_name + len - el, ext) || de->d_name[0] == '.') continue;
    if (!(nv = sl_grow(v, &cap, n + 2, sizeof *v, NULL))) break;
    v = nv;
    if (!(v[n] = sl_strdup(de->d_name, NULL))) break;
    n++;
  }
  closedir(d);
  if (!v) return NULL;
  v[n] = NULL;
  qsort(v, n, sizeof *v, sl_cmp_str);
  return v;
}

static void free_names(char **v) {
  if (!v) return;
  for (char **p = v; *p; p++) free(*p);
  free(v);
}

/* The first comment line of a policy script: its one-line description. */
static void describe(const char *path, char *out, size_t n) {
  FILE *f = fopen(path, "r");
  char line[512];
  *out = 0;
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char *s = line;
    if (strncmp(s, "--", 2)) break;
    s += 2;
    while (*s == '-' || *s == ' ' || *s == '[') s++;
    s[strcspn(s, "\r\n")] = 0;
    if (strstr(s, "\xe2\x80\x94 ")) s = strstr(s, "\xe2\x80\x94 ") + 4;  /* after "name — " */
    if (*s) { snprintf(out, n, "%s", s); break; }
  }
  fclose(f);
}

static int list_policies(void) {
  char home[1024], dir[1100], path[1400], desc[512];
  char **v;
  snprintf(dir, sizeof dir, "%s/policies_lua", sl_home(home, sizeof home));
  if (!(v = dir_names(dir, ".lua"))) return cli_fail("cannot read %s", dir);
  for (char **p = v; *p; p++) {
    snprintf(path, sizeof path, "%s/%s", dir, *p);
    describe(path, desc, sizeof desc);
    (*p)[strlen(*p) - 4] = 0;
    printf("%-14s %s\n", *p, desc);
  }
  free_names(v);
  return 0;
}

static int list_devices(void) {
  char home[1024], dir[1100];
  char **v;
  printf("device kinds (--device SPEC):\n");
  for (int i = 0; dev_kinds[i]; i++) printf("  %s\n", dev_kinds[i]->usage);
  snprintf(dir, sizeof dir, "%s/traces/profiles", sl_home(home, sizeof home));
  if ((v = dir_names(dir, ".csv"))) {
    printf("shipped profile tables:\n");
    for (char **p = v; *p; p++) printf("  profile:%s/%s\n", dir, *p);
    free_names(v);
  }
  snprintf(dir, sizeof dir, "%s/traces/devices", home);
  if ((v = dir_names(dir, ".dev"))) {
    printf("device presets (--device NAME; %s/NAME.dev):\n", dir);
    for (char **p = v; *p; p++) {
      (*p)[strlen(*p) - 4] = 0;
      printf("  %s\n", *p);
    }
    free_names(v);
  }
  return 0;
}

struct netlist {
  const char *last;
  int any;
};

static void print_network(void *ud, const char *name, int batch) {
  struct netlist *l = ud;
  if (!l->last || strcmp(l->last, name)) {
    printf("%s  %s batch %d", l->any ? "\n" : "", name, batch);
    l->last = name;
    l->any = 1;
  } else {
    printf(", %d", batch);
  }
}

static void print_zoo_network(void *ud, const char *name) {
  (void)ud;
  printf("  %s\n", name);
}

static int list_device_networks(const char *spec) {
  struct device *d;
  struct sl_err e;
  struct netlist l = {NULL, 0};
  if (dev_open(&d, spec, NULL, 0, &e) < 0) return cli_fail("%s", e.msg);
  printf("%s:\n", spec);
  if (d->ops->list_networks) d->ops->list_networks(d, print_network, &l);
  else if (net_zoo_list(print_zoo_network, NULL) < 0) printf("  (cannot read traces/networks)\n");
  if (l.any) putchar('\n');
  dev_close(d);
  return 0;
}

/* Without --device: both sources of networks, the zoo the analytical
** devices compile and each shipped profile table with its batches. */
static int list_networks(const char *spec) {
  char home[1024], dir[1100], spec_buf[1400];
  char **v;
  int rc = 0;
  if (spec) return list_device_networks(spec);
  snprintf(dir, sizeof dir, "%s/traces/networks", sl_home(home, sizeof home));
  printf("network zoo (%s; any batch on npu devices):\n", dir);
  if (net_zoo_list(print_zoo_network, NULL) < 0) return cli_fail("cannot read %s", dir);
  snprintf(dir, sizeof dir, "%s/traces/profiles", home);
  if (!(v = dir_names(dir, ".csv"))) return cli_fail("cannot read %s", dir);
  for (char **p = v; *p && !rc; p++) {
    snprintf(spec_buf, sizeof spec_buf, "profile:%s/%s", dir, *p);
    rc = list_device_networks(spec_buf);
  }
  free_names(v);
  return rc;
}

int cmd_list(int argc, char **argv) {
  const char *what = NULL, *spec = NULL;
  struct cli_once once = {0};
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "list", argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--device") && i + 1 < argc) spec = argv[++i];
    else if (argv[i][0] == '-') return cli_usage_error("list", "unknown option '%s'", argv[i]);
    else if (!what) what = argv[i];
    else return cli_usage_error("list", "unexpected argument '%s'", argv[i]);
  }
  if (!what) return cli_usage_error("list", "list what? policies, devices or networks");
  if (!strcmp(what, "policies")) return list_policies();
  if (!strcmp(what, "devices")) return list_devices();
  if (!strcmp(what, "networks")) return list_networks(spec);
  return cli_usage_error("list", "cannot list '%s' (policies, devices, networks)", what);
}
