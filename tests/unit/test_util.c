/*
** test_util.c — exact decimal parsing of times, durations, CSV splitting,
** and the small helpers the modules share (sl.h, checked.h).
*/
#include "checked.h"
#include "csv.h"
#include "sl.h"
#include "test.h"

#include <stdlib.h>

static int64_t dec(const char *s, int scale) {
  int64_t v = -999;
  if (sl_parse_decimal_scaled(s, strlen(s), scale, &v) < 0) return -999;
  return v;
}

/* v as sl_i64_back writes it, NUL-terminated. */
static const char *digits(int64_t v) {
  static char buf[32];
  buf[sizeof buf - 1] = 0;
  return sl_i64_back(buf + sizeof buf - 1, v);
}

static int trimmed(const char *s, const char *want) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s", s);
  return !strcmp(sl_trim(buf), want);
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

  /* Shared helpers: every digit count around the two-digit steps, both ends. */
  TEST(!strcmp(digits(0), "0") && !strcmp(digits(7), "7") && !strcmp(digits(10), "10") &&
       !strcmp(digits(99), "99") && !strcmp(digits(100), "100") && !strcmp(digits(1234567), "1234567"),
       "util-4.1: sl_i64_back writes 0, 7, 10, 99, 100, 1234567");
  TEST(!strcmp(digits(-5), "-5") && !strcmp(digits(-10), "-10"), "util-4.2: negatives get a '-'");
  TEST(!strcmp(digits(INT64_MAX), "9223372036854775807") &&
       !strcmp(digits(INT64_MIN), "-9223372036854775808"), "util-4.3: INT64_MAX and INT64_MIN");
  TEST(trimmed(" \t a b \r\n", "a b") && trimmed("", "") && trimmed(" \t\r\n", "") &&
       trimmed("x", "x"), "util-4.4: sl_trim drops blanks around, keeps them inside");
  TEST(sl_is_ident("_a1", 3) && sl_is_ident("Ab", 2) && sl_is_ident("a-", 1),
       "util-4.5: identifiers (a letter or '_' first; only n bytes count)");
  TEST(!sl_is_ident("1a", 2) && !sl_is_ident("a-b", 3) && !sl_is_ident("", 0),
       "util-4.6: not identifiers: a digit first, a '-', nothing");
  {
    const char *names[] = {"b", "a", "c"};
    double v[] = {2.5, -1, 0};
    qsort(names, 3, sizeof *names, sl_cmp_str);
    qsort(v, 3, sizeof *v, sl_cmp_double);
    TEST(!strcmp(names[0], "a") && !strcmp(names[1], "b") && !strcmp(names[2], "c"),
         "util-4.7: sl_cmp_str sorts strings");
    TEST(v[0] == -1 && v[1] == 0 && v[2] == 2.5, "util-4.8: sl_cmp_double sorts ascending");
  }
  {
    int ov = 0;
    TEST(ck_mul(&ov, 6, 7) == 42 && ck_add(&ov, 40, 2) == 42 && !ov, "util-4.9: in range: no flag");
    TEST(ck_mul(&ov, (int64_t)1 << 32, (int64_t)1 << 31) == INT64_MAX && ov,
         "util-4.10: 2^63 overflows: INT64_MAX and the flag");
    ov = 0;
    TEST(ck_add(&ov, INT64_MAX, 1) == INT64_MAX && ov, "util-4.11: INT64_MAX + 1 overflows");
    TEST(ceil_div64(7, 2) == 4 && ceil_div64(6, 2) == 3 && ceil_div64(0, 5) == 0 &&
         ceil_div64(INT64_MAX, INT64_MAX) == 1, "util-4.12: ceil_div64, no a + b - 1 overflow");
  }
  return test_done();
}
