/* Create a Workflow job and a Job-type job: create_jobs WORKFLOW_ID TEMPLATE_ID */
#include "common.h"

int main(int argc, char **argv) {
  cibatch_client *client;
  cibatch_workflow_request *wf_req = NULL;
  cibatch_job_request *job_req = NULL;
  cibatch_job *job = NULL;
  cibatch_error *error = NULL;
  if (argc != 3) return 2;
  client = client_from_env();
  if (cibatch_workflow_request_new("example-workflow", CIBATCH_INPUT_PREFIX, "input/", argv[1], &wf_req, &error) ||
      cibatch_client_create_workflow_job(client, wf_req, &job, &error))
    die("create workflow job", error);
  printf("created %s %s %s\n", cibatch_job_id(job), cibatch_job_type(job), cibatch_job_state(job));
  cibatch_job_free(job);
  if (cibatch_job_request_new("example-transcode", "Transcode", CIBATCH_INPUT_PREFIX, "videos/", &job_req, &error) ||
      cibatch_job_request_add_param(job_req, "TemplateId", argv[2], &error) ||
      cibatch_job_request_set_output(job_req, "ap-beijing", "examplebucket-1250000000", "out/${InputName}.mp4", &error) ||
      cibatch_client_create_job(client, job_req, &job, &error))
    die("create job", error);
  printf("created %s %s %s %s\n", cibatch_job_id(job), cibatch_job_type(job), cibatch_job_tag(job), cibatch_job_state(job));
  cibatch_job_free(job);
  cibatch_job_request_free(job_req);
  cibatch_workflow_request_free(wf_req);
  cibatch_client_free(client);
  return 0;
}
