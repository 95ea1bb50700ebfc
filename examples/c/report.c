/* What happened to each object of a batch job: report JOB_ID. Waits for the batch job to end, then prints its
 * report: the outcome, counts by state and the first failed objects. */
#include "common.h"

static bool on_page(void *user_data, uint32_t pages, uint64_t results, uint64_t failed) {
  (void)user_data;
  printf("  page %u: %llu results so far, %llu failed\n", (unsigned)pages, (unsigned long long)results,
         (unsigned long long)failed);
  return true;
}

int main(int argc, char **argv) {
  cibatch_client *client;
  cibatch_job *job = NULL;
  cibatch_report *report = NULL;
  cibatch_error *error = NULL;
  size_t i;
  if (argc != 2) return 2;
  client = client_from_env();
  if (cibatch_client_wait_for_job(client, argv[1], 600000, 200, 2000, NULL, NULL, &job, &error))
    die("wait for job", error);
  cibatch_job_free(job);
  if (cibatch_client_report(client, argv[1], 5, on_page, NULL, &report, &error)) die("report", error);
  printf("%s %s: %s, %llu results\n", cibatch_job_id(cibatch_report_job(report)),
         cibatch_job_state(cibatch_report_job(report)), cibatch_report_outcome(report),
         (unsigned long long)cibatch_report_total(report));
  for (i = 0; i < cibatch_report_state_count(report); i++)
    printf("  %s: %llu\n", cibatch_report_state_name(report, i),
           (unsigned long long)cibatch_report_state_total(report, i));
  for (i = 0; i < cibatch_report_failed_count(report); i++) {
    const cibatch_object_result *r = cibatch_report_failed_get(report, i);
    printf("  failed: %s (%s %s) %s\n", cibatch_object_result_object(r), cibatch_object_result_unit_id(r),
           cibatch_object_result_workflow_id(r) ? cibatch_object_result_workflow_id(r) : cibatch_object_result_tag(r),
           cibatch_object_result_message(r));
  }
  cibatch_report_free(report);
  cibatch_client_free(client);
  return 0;
}
