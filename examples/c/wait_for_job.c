/* Wait for a job to finish, printing each state: wait_for_job JOB_ID */
#include "common.h"

static bool on_poll(void *user_data, const cibatch_job *job, bool state_changed) {
  (void)user_data;
  if (state_changed) printf("  state: %s\n", cibatch_job_state(job));
  return true;
}

int main(int argc, char **argv) {
  cibatch_client *client;
  cibatch_job *job = NULL;
  cibatch_error *error = NULL;
  if (argc != 2) return 2;
  client = client_from_env();
  if (cibatch_client_wait_for_job(client, argv[1], 600000, 200, 2000, on_poll, NULL, &job, &error))
    die("wait for job", error);
  printf("%s ended %s %s\n", cibatch_job_id(job), cibatch_job_state(job), cibatch_job_code(job));
  cibatch_job_free(job);
  cibatch_client_free(client);
  return 0;
}
