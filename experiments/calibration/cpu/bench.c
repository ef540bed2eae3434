/*
** bench.c — the CPU microbenchmark behind traces/devices/cpu-local.dev
** (docs/cpu_model.md "Calibration"). Measures on this machine:
**   gemm    FP32 GEMM throughput (register-blocked, vectorised by the
**           compiler) on 1 and 2 threads: the per-core peak x efficiency;
**   conv    a 3x3 convolution (direct loops, channels innermost), 1 and 2 threads;
**   triad   STREAM-style a = b + s c over arrays far above the LLC, 1 and 2
**           threads: per-core and socket bandwidth;
**   corun   gemm on one core while triad runs on the other, and triad on
**           one core while another triad runs: the interference the model predicts.
** Rates are per second of thread CPU time (the machine is shared).
** Output: CSV lines "test,threads,corunner,value,unit" on stdout.
** Build: cc -O3 -march=native -pthread bench.c -o bench
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GN 384            /* GEMM side: 3 x 384^2 x 4 B = 1.7 MiB, in L2/L3 */
#define TRIAD_N (16 << 20) /* 3 arrays x 64 MiB: far above any LLC here */
#define CONV_H 56
#define CONV_C 64

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
/* This thread's CPU time: on a shared, loaded machine the rate per second
** on a core, not per second of wall time spent waiting for one. */
static double cpu_now(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }

struct job {
  int kind;               /* 0 gemm, 1 conv, 2 triad */
  double seconds;         /* run for at least this long */
  volatile int *stop;     /* a co-runner runs until *stop */
  double work, elapsed;   /* FLOPs or bytes done, thread CPU seconds taken */
};

static void gemm(const float *a, const float *b, float *c, int n) {
  for (int i = 0; i < n; i += 4)
    for (int j = 0; j < n; j += 64) {
      float acc[4][64];
      memset(acc, 0, sizeof acc);
      for (int k = 0; k < n; k++)
        for (int ii = 0; ii < 4; ii++) {
          float av = a[(i + ii) * n + k];
          for (int jj = 0; jj < 64; jj++) acc[ii][jj] += av * b[k * n + j + jj];
        }
      for (int ii = 0; ii < 4; ii++)
        for (int jj = 0; jj < 64; jj++) c[(i + ii) * n + j + jj] += acc[ii][jj];
    }
}

/* out[y][x][co] += in[y+dy][x+dx][ci] w[dy][dx][ci][co] */
static void conv(const float *in, const float *w, float *out) {
  for (int y = 0; y < CONV_H; y++)
    for (int x = 0; x < CONV_H; x++) {
      float acc[CONV_C];
      memset(acc, 0, sizeof acc);
      for (int dy = 0; dy < 3; dy++)
        for (int dx = 0; dx < 3; dx++)
          for (int ci = 0; ci < CONV_C; ci++) {
            float v = in[((y + dy) * (CONV_H + 2) + x + dx) * CONV_C + ci];
            const float *wr = w + ((dy * 3 + dx) * CONV_C + ci) * CONV_C;
            for (int co = 0; co < CONV_C; co++) acc[co] += v * wr[co];
          }
      for (int co = 0; co < CONV_C; co++) out[(y * CONV_H + x) * CONV_C + co] += acc[co];
    }
}

static void *run(void *arg) {
  struct job *j = arg;
  float *a, *b, *c;
  size_t n = j->kind == 2 ? TRIAD_N : j->kind == 0 ? (size_t)GN * GN
                                                   : (size_t)(CONV_H + 2) * (CONV_H + 2) * CONV_C;
  size_t nb = j->kind == 1 ? (size_t)9 * CONV_C * CONV_C : n;
  size_t nc = j->kind == 1 ? (size_t)CONV_H * CONV_H * CONV_C : n;
  double c0, per;
  a = malloc(n * sizeof *a);
  b = malloc(nb * sizeof *b);
  c = malloc(nc * sizeof *c);
  if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); exit(1); }
  for (size_t i = 0; i < n; i++) a[i] = (float)(i % 7) * 0.1f;
  for (size_t i = 0; i < nb; i++) b[i] = (float)(i % 5) * 0.1f;
  for (size_t i = 0; i < nc; i++) c[i] = 0;
  per = j->kind == 0 ? 2.0 * GN * GN * GN
        : j->kind == 1 ? 2.0 * CONV_H * CONV_H * 9 * CONV_C * CONV_C
                       : 3.0 * TRIAD_N * sizeof(float);
  j->work = 0;
  c0 = cpu_now();
  do {
    if (j->kind == 0) gemm(a, b, c, GN);
    else if (j->kind == 1) conv(a, b, c);
    else for (size_t i = 0; i < n; i++) a[i] = b[i] + 0.5f * c[i];
    j->work += per;
  } while (j->stop ? !*j->stop : cpu_now() - c0 < j->seconds);
  j->elapsed = cpu_now() - c0;
  if (c[nc / 2] == 12345.f) printf("#\n");   /* keep the results live */
  free(a); free(b); free(c);
  return NULL;
}

/* `threads` copies of `kind` at once; the aggregate rate. */
static double measure(int kind, int threads, double seconds) {
  pthread_t t[2];
  struct job j[2];
  double sum = 0;
  for (int i = 0; i < threads; i++) {
    j[i] = (struct job){.kind = kind, .seconds = seconds};
    pthread_create(&t[i], NULL, run, &j[i]);
  }
  for (int i = 0; i < threads; i++) {
    pthread_join(t[i], NULL);
    sum += j[i].work / j[i].elapsed;
  }
  return sum;
}

/* `kind` on one thread while a triad runs on another until it ends. */
static double with_corunner(int kind, double seconds) {
  pthread_t t[2];
  volatile int stop = 0;
  struct job j = {.kind = kind, .seconds = seconds}, co = {.kind = 2, .stop = &stop};
  pthread_create(&t[1], NULL, run, &co);
  pthread_create(&t[0], NULL, run, &j);
  pthread_join(t[0], NULL);
  stop = 1;
  pthread_join(t[1], NULL);
  return j.work / j.elapsed;
}

int main(int argc, char **argv) {
  double s = argc > 1 ? atof(argv[1]) : 3.0;
  static const char *const names[3] = {"gemm", "conv", "triad"};
  static const char *const units[3] = {"GFLOP/s", "GFLOP/s", "GB/s"};
  printf("test,threads,corunner,value,unit\n");
  for (int k = 0; k < 3; k++)
    for (int th = 1; th <= 2; th++)
      printf("%s,%d,none,%.2f,%s\n", names[k], th, measure(k, th, s) / 1e9, units[k]);
  for (int k = 0; k < 3; k++)
    printf("%s,1,triad,%.2f,%s\n", names[k], with_corunner(k, s) / 1e9, units[k]);
  return 0;
}
