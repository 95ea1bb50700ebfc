/* The C ABI end to end: median time per describe against the canned loopback server (CIBATCH_BENCH_PORT), then
 * 10,000 calls and the process's peak memory. Prints JSON lines. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cibatch.h"

#define ROUNDS 21
#define PER_ROUND 400

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void describe(cibatch_client *client) {
  cibatch_job *job = NULL;
  cibatch_error *err = NULL;
  if (cibatch_client_describe_job(client, "b3deffea2f84911ec9cb15254008618d9", &job, &err) != CIBATCH_OK) {
    fprintf(stderr, "describe: %s\n", cibatch_error_message(err));
    exit(1);
  }
  if (!cibatch_job_state(job)) exit(1);
  cibatch_job_free(job);
}

int main(void) {
  char endpoint[64];
  cibatch_config *cfg = NULL;
  cibatch_client *client = NULL;
  double samples[ROUNDS];
  struct rusage ru;
  int r, i;
  const char *port = getenv("CIBATCH_BENCH_PORT");
  if (!port) return 2;
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%s", port);
  if (cibatch_config_new("examplebucket-1250000000", "ap-beijing", "AKIDbench", "benchkey", &cfg, NULL) ||
      cibatch_config_set_endpoint(cfg, endpoint, NULL) || cibatch_client_new(cfg, &client, NULL))
    return 1;
  cibatch_config_free(cfg);
  for (i = 0; i < 200; i++) describe(client);
  for (r = 0; r < ROUNDS; r++) {
    double start = now_ns();
    for (i = 0; i < PER_ROUND; i++) describe(client);
    samples[r] = (now_ns() - start) / PER_ROUND;
  }
  qsort(samples, ROUNDS, sizeof samples[0], cmp);
  printf("{\"bench\": \"describe\", \"variant\": \"c\", \"median_ns\": %.1f}\n", samples[ROUNDS / 2]);
  for (i = 0; i < 10000; i++) describe(client);
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"bench\": \"c_peak_rss_10k_calls\", \"variant\": \"c\", \"kib\": %ld}\n", ru.ru_maxrss);
  cibatch_client_free(client);
  return 0;
}
