/* Describe several jobs in one request: describe_jobs JOB_ID [JOB_ID...] */
#include "common.h"

int main(int argc, char **argv) {
  cibatch_client *client = client_from_env();
  cibatch_job_list *list = NULL;
  cibatch_error *error = NULL;
  size_t i;
  if (cibatch_client_describe_jobs(client, (const char *const *)(argv + 1), (size_t)(argc - 1), &list, &error))
    die("describe jobs", error);
  for (i = 0; i < cibatch_job_list_count(list); i++) {
    const cibatch_job *job = cibatch_job_list_get(list, i);
    printf("%s %s %s\n", cibatch_job_id(job), cibatch_job_state(job), cibatch_job_name(job));
  }
  for (i = 0; i < cibatch_job_list_non_exist_count(list); i++)
    printf("%s does not exist\n", cibatch_job_list_non_exist_get(list, i));
  cibatch_job_list_free(list);
  cibatch_client_free(client);
  return 0;
}
