/* Steady-state cost of one describe through the C ABI, for callgrind and valgrind: makes WARMUP describes, then
 * CALLS more (argv[1]) against the canned loopback server (CIBATCH_BENCH_PORT). Run it with two call counts under
 * the same tool; the difference of the totals divided by the difference of the counts is the cost of one describe,
 * start-up, warm-up and shut-down cancelling out. */
#include <stdio.h>
#include <stdlib.h>

#include "cibatch.h"

#define WARMUP 20

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

int main(int argc, char **argv) {
  char endpoint[64];
  cibatch_config *cfg = NULL;
  cibatch_client *client = NULL;
  int i, calls = argc > 1 ? atoi(argv[1]) : 100;
  const char *port = getenv("CIBATCH_BENCH_PORT");
  if (!port) return 2;
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%s", port);
  if (cibatch_config_new("examplebucket-1250000000", "ap-beijing", "AKIDbench", "benchkey", &cfg, NULL) ||
      cibatch_config_set_endpoint(cfg, endpoint, NULL) || cibatch_client_new(cfg, &client, NULL))
    return 1;
  cibatch_config_free(cfg);
  for (i = 0; i < WARMUP; i++) describe(client);
  for (i = 0; i < calls; i++) describe(client);
  cibatch_client_free(client);
  return 0;
}
