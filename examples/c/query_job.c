/* Query one job and print its fields: the everyday use of libcibatch.
 *
 *   query_job JOB_ID
 *
 * Configured from the environment like the demo: CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT,
 * and TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_SESSION_TOKEN.
 *
 *   cc -Iinclude examples/c/query_job.c -Ltarget/release -lcibatch -o query_job
 *   LD_LIBRARY_PATH=target/release ./query_job b3deffea2f84911ec9cb15254008618d9
 */
#include <stdio.h>

#include "cibatch.h"

static void field(const char *name, const char *value) {
  if (value && *value) printf("  %-16s %s\n", name, value);
}

int main(int argc, char **argv) {
  cibatch_client *client = NULL;
  cibatch_job *job = NULL;
  cibatch_error *error = NULL;
  int status = 1;

  if (argc != 2) {
    fprintf(stderr, "usage: %s JOB_ID\n", argv[0]);
    return 2;
  }
  if (cibatch_client_new_from_env(&client, &error) != CIBATCH_OK) {
    fprintf(stderr, "configuration: %s\n", cibatch_error_message(error));
    goto done;
  }
  if (cibatch_client_describe_job(client, argv[1], &job, &error) != CIBATCH_OK) {
    fprintf(stderr, "%s\n", cibatch_error_message(error));
    if (cibatch_error_request_id(error)) fprintf(stderr, "request id: %s\n", cibatch_error_request_id(error));
    goto done;
  }
  printf("job %s\n", cibatch_job_id(job));
  field("name", cibatch_job_name(job));
  field("type", cibatch_job_type(job));
  field("state", cibatch_job_state(job));
  field("code", cibatch_job_code(job));
  field("message", cibatch_job_message(job));
  field("created", cibatch_job_creation_time(job));
  field("started", cibatch_job_start_time(job));
  field("ended", cibatch_job_end_time(job));
  field("input prefix", cibatch_job_input_prefix(job));
  field("input manifest", cibatch_job_input_manifest(job));
  field("input url file", cibatch_job_input_url_file(job));
  field("input object", cibatch_job_input_object(job));
  field("workflow", cibatch_job_workflow_ids(job));
  field("tag", cibatch_job_tag(job));
  field("template", cibatch_job_template_id(job));
  field("output bucket", cibatch_job_output_bucket(job));
  field("output object", cibatch_job_output_object(job));
  field("queue", cibatch_job_queue_id(job));
  field("callback", cibatch_job_callback(job));
  status = 0;

done:
  cibatch_job_free(job);
  cibatch_client_free(client);
  cibatch_error_free(error);
  return status;
}
