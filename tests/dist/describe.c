/* A user's C program, built by scripts/test-dist.sh from the release tarball: create a job, describe it. */
#include <stdio.h>

#include <cibatch.h>

static int fail(const char *what, cibatch_error *error) {
  fprintf(stderr, "%s: %s\n", what, cibatch_error_message(error));
  cibatch_error_free(error);
  return 1;
}

int main(void) {
  cibatch_client *client = NULL;
  cibatch_workflow_request *request = NULL;
  cibatch_job *created = NULL, *job = NULL;
  cibatch_error *error = NULL;
  if (cibatch_client_new_from_env(&client, &error)) return fail("configuration", error);
  if (cibatch_workflow_request_new("dist-c", CIBATCH_INPUT_PREFIX, "input/", "w7476ff3564ee45b7b490d64bccaba6cc",
                                   &request, &error) ||
      cibatch_client_create_workflow_job(client, request, &created, &error) ||
      cibatch_client_describe_job(client, cibatch_job_id(created), &job, &error))
    return fail("create and describe", error);
  printf("described %s %s %s with libcibatch %s (header %s)\n", cibatch_job_id(job), cibatch_job_name(job),
         cibatch_job_state(job), cibatch_version(), CIBATCH_VERSION);
  cibatch_job_free(job);
  cibatch_job_free(created);
  cibatch_workflow_request_free(request);
  cibatch_client_free(client);
  return 0;
}
