/*
** test_util.c — exact decimal parsing of times, durations, CSV splitting.
*/
#include "csv.h"
#include "sl.h"
#include "test.h"

#include <stdlib.h>

static int64_t dec(const char *s, int scale) {
  int64_t v = -999;
  if (sl_parse_decimal_scaled(s, strlen(s), scale, &v) < 0) return -999;
  return v;
}

int main(void) {
  sl_ns d;
  struct csv c;
  struct sl_err e;
  FILE *f;
  TEST_EQ_I64(dec("1.5", 6), 1500000, "util-1.1: 1.5 ms = 1500000 ns");
  TEST_EQ_I64(dec("0.000001", 9), 1000, "util-1.2: 1e-6 s = 1000 ns");
  TEST_EQ_I64(dec("2.0004", 3), 2000, "util-1.3: 2.0004 us rounds down to 2000 ns");
  TEST_EQ_I64(dec("2.0005", 3), 2001, "util-1.4: 2.0005 us rounds half away to 2001 ns");
  TEST_EQ_I64(dec("1e3", 0), 1000, "util-1.5: exponent");
  TEST_EQ_I64(dec("1.25E-3", 9), 1250000, "util-1.6: 1.25e-3 s");
  TEST_EQ_I64(dec("0", 9), 0, "util-1.7: zero");
  TEST_EQ_I64(dec("12abc", 0), -999, "util-1.8: trailing junk rejected");
  TEST_EQ_I64(dec("", 0), -999, "util-1.9: empty rejected");
  TEST_EQ_I64(dec("99999999999", 9), -999, "util-1.10: beyond int64 rejected");
  TEST_EQ_I64(dec("0.1", 0), 0, "util-1.11: 0.1 ns rounds to 0");
  TEST_EQ_I64(dec("123456789012.345678", 6), 123456789012345678LL, "util-1.12: 18 significant digits kept exactly");
  TEST_EQ_I64(dec("12345678901234.5", 9), -999, "util-1.13: 1.2e13 s overflows int64 ns");
  TEST(sl_parse_duration("0.25ms", &d) == 0 && d == 250000, "util-2.1: 0.25ms");
  TEST(sl_parse_duration("250us", &d) == 0 && d == 250000, "util-2.2: 250us");
  TEST(sl_parse_duration("2s", &d) == 0 && d == 2000000000, "util-2.3: 2s");
  TEST(sl_parse_duration("17", &d) == 0 && d == 17, "util-2.4: bare number is ns");
  TEST(sl_parse_duration("5 min", &d) < 0, "util-2.5: unknown unit rejected");

  f = fopen("util_csv.tmp", "w");
  fputs("# comment\n a , \"b,c\" ,d\n\n1,\"x\"\"y\",  3 \n# more\n4,5\n", f);
  fclose(f);
  TEST(csv_open(&c, "util_csv.tmp", &e) == 0 && c.nheader == 3, "util-3.1: header of 3");
  TEST(!strcmp(c.header[0], "a") && !strcmp(c.header[1], "b,c") && !strcmp(c.header[2], "d"),
       "util-3.2: trimmed and quoted names");
  TEST(csv_next(&c, &e) == 1 && !strcmp(c.field[1], "x\"y") && !strcmp(c.field[2], "3") &&
       c.lineno == 4, "util-3.3: doubled quote, trimmed, line 4");
  TEST(csv_next(&c, &e) == -1 && strstr(e.msg, "util_csv.tmp:6: 2 fields"),
       "util-3.4: short row names file and line: %s", e.msg);
  csv_close(&c);
  remove("util_csv.tmp");
  return test_done();
}
