/*
** test.h — a ten-line TAP harness for the C unit tests: each check is one
** "ok N - what" line; test_done() prints the plan and the exit status.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
static int test_n, test_failed;
#define TEST(cond, ...) test_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define TEST_EQ_I64(got, want, ...) do { long long g_ = (long long)(got), w_ = (long long)(want); \
  if (!TEST(g_ == w_, __VA_ARGS__)) printf("#   got %lld, want %lld\n", g_, w_); } while (0)
#define TEST_NEAR(got, want, tol, ...) do { double g_ = (got), w_ = (want); \
  if (!TEST(g_ - w_ <= (tol) && w_ - g_ <= (tol), __VA_ARGS__)) printf("#   got %.17g, want %.17g\n", g_, w_); } while (0)
__attribute__((format(printf, 4, 5)))
static int test_report(int ok, const char *file, int line, const char *fmt, ...) {
  va_list ap; printf("%sok %d - ", ok ? "" : "not ", ++test_n);
  va_start(ap, fmt); vprintf(fmt, ap); va_end(ap); printf("\n");
  if (!ok) { printf("#   failed at %s:%d\n", file, line); test_failed++; }
  return ok;
}
static int test_done(void) { printf("1..%d\n", test_n); return test_failed ? 1 : 0; }
