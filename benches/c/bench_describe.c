/* The C ABI end to end against the canned loopback server (CIBATCH_BENCH_PORT): the median time per describe beside
 * the raw keep-alive floor (floor.c), in alternating rounds of the same process; then 10,000 calls and the process's
 * peak memory. Prints JSON lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cibatch.h"
#include "floor.h"

#define ROUNDS 21
#define PER_ROUND 400
#define JOB "b3deffea2f84911ec9cb15254008618d9"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void describe(void *arg) {
  cibatch_client *client = arg;
  cibatch_job *job = NULL;
  cibatch_error *err = NULL;
  if (cibatch_client_describe_job(client, JOB, &job, &err) != CIBATCH_OK) {
    fprintf(stderr, "describe: %s\n", cibatch_error_message(err));
    exit(1);
  }
  if (!cibatch_job_state(job)) exit(1);
  cibatch_job_free(job);
}

static void floor_call(void *arg) { bench_floor_call(arg); }

/* Median nanoseconds per call of each variant, measured in alternating rounds. */
static void compare(void (*f[])(void *), void *args[], int n, double *medians) {
  double samples[2][ROUNDS];
  int r, v, i;
  for (r = 0; r < ROUNDS; r++) {
    for (v = 0; v < n; v++) {
      double start = now_ns();
      for (i = 0; i < PER_ROUND; i++) f[v](args[v]);
      samples[v][r] = (now_ns() - start) / PER_ROUND;
    }
  }
  for (v = 0; v < n; v++) {
    qsort(samples[v], ROUNDS, sizeof samples[v][0], cmp);
    medians[v] = samples[v][ROUNDS / 2];
  }
}

int main(void) {
  char endpoint[64];
  cibatch_config *cfg = NULL;
  cibatch_client *client = NULL;
  struct bench_floor *floor;
  struct rusage ru;
  double m[2];
  int i;
  const char *port = getenv("CIBATCH_BENCH_PORT");
  if (!port) return 2;
  floor = bench_floor_open(atoi(port));
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%s", port);
  if (cibatch_config_new("examplebucket-1250000000", "ap-beijing", "AKIDbench", "benchkey", &cfg, NULL) ||
      cibatch_config_set_endpoint(cfg, endpoint, NULL) || cibatch_client_new(cfg, &client, NULL))
    return 1;
  cibatch_config_free(cfg);
  for (i = 0; i < 200; i++) describe(client);
  {
    void (*f[])(void *) = {describe, floor_call};
    void *args[] = {client, floor};
    compare(f, args, 2, m);
  }
  printf("{\"bench\": \"describe\", \"variant\": \"c\", \"median_ns\": %.1f}\n", m[0]);
  printf("{\"bench\": \"describe\", \"variant\": \"raw_floor_c\", \"median_ns\": %.1f}\n", m[1]);
  for (i = 0; i < 10000; i++) describe(client);
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"bench\": \"c_peak_rss_10k_calls\", \"variant\": \"c\", \"kib\": %ld}\n", ru.ru_maxrss);
  cibatch_client_free(client);
  return 0;
}
