/* Every operation of libcibatch against the in-process emulator: create (both types), describe several, list
 * every page, cancel, wait, and sign a request by hand.
 *
 *   cc -Iinclude examples/c/tour.c -Ltarget/release -lcibatch -o tour && LD_LIBRARY_PATH=target/release ./tour
 */
#include <stdio.h>
#include <stdlib.h>

#include "cibatch.h"

static void die(const char *what, cibatch_error *error) {
  fprintf(stderr, "%s: %s\n", what, cibatch_error_message(error));
  cibatch_error_free(error);
  exit(1);
}

#define TRY(what, call) \
  do {                  \
    if ((call) != CIBATCH_OK) die(what, error); \
  } while (0)

static bool on_poll(void *user_data, const cibatch_job *job, bool state_changed) {
  (void)user_data;
  if (state_changed) printf("  state: %s\n", cibatch_job_state(job));
  return true; /* keep waiting */
}

int main(void) {
  cibatch_error *error = NULL;
  cibatch_emulator *emu = NULL;
  cibatch_config *config = NULL;
  cibatch_client *client = NULL;
  cibatch_workflow_request *wf_req = NULL;
  cibatch_job_request *job_req = NULL;
  cibatch_job *wf = NULL, *job = NULL, *done = NULL;
  cibatch_job_list *list = NULL;
  cibatch_pager *pager = NULL;
  cibatch_list_options *opts = NULL;
  const char *ids[3];
  char *auth = NULL;
  size_t i;
  int page_no = 0;

  TRY("start emulator", cibatch_emulator_start(0, NULL, 100, 300, &emu, &error));
  /* Each describe moves a job one state on: what the tour prints never depends on timing (valgrind, load). */
  TRY("clock", cibatch_emulator_set_clock(emu, CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE, &error));
  TRY("config", cibatch_emulator_client_config(emu, &config, &error));
  TRY("client", cibatch_client_new(config, &client, &error));
  printf("emulator at %s\n", cibatch_emulator_endpoint(emu));

  TRY("workflow request", cibatch_workflow_request_new("tour-workflow", CIBATCH_INPUT_PREFIX, "input/",
                                                       "w7476ff3564ee45b7b490d64bccaba6cc", &wf_req, &error));
  TRY("create workflow job", cibatch_client_create_workflow_job(client, wf_req, &wf, &error));
  printf("created %s (%s)\n", cibatch_job_id(wf), cibatch_job_state(wf));

  TRY("job request", cibatch_job_request_new("tour-transcode", "Transcode", CIBATCH_INPUT_OBJECT, "in/movie.mp4",
                                             &job_req, &error));
  TRY("template", cibatch_job_request_add_param(job_req, "TemplateId", "t1460606b9752148c4ab182f55163ba7cd", &error));
  TRY("output", cibatch_job_request_set_output(job_req, "ap-beijing", "examplebucket-1250000000",
                                               "out/${InputName}.mp4", &error));
  TRY("create job", cibatch_client_create_job(client, job_req, &job, &error));
  printf("created %s (%s job)\n", cibatch_job_id(job), cibatch_job_tag(job));

  TRY("cancel", cibatch_client_cancel_job(client, cibatch_job_id(job), &error));
  printf("cancelled %s\n", cibatch_job_id(job));

  printf("waiting for %s\n", cibatch_job_id(wf));
  TRY("wait", cibatch_client_wait_for_job(client, cibatch_job_id(wf), 30000, 50, 200, on_poll, NULL, &done, &error));

  ids[0] = cibatch_job_id(wf);
  ids[1] = cibatch_job_id(job);
  ids[2] = "b00000000000000000000000000000000";
  TRY("describe", cibatch_client_describe_jobs(client, ids, 3, &list, &error));
  for (i = 0; i < cibatch_job_list_count(list); i++) {
    const cibatch_job *j = cibatch_job_list_get(list, i);
    printf("  %s  %-9s %s\n", cibatch_job_id(j), cibatch_job_state(j), cibatch_job_name(j));
  }
  for (i = 0; i < cibatch_job_list_non_exist_count(list); i++) {
    printf("  %s  does not exist\n", cibatch_job_list_non_exist_get(list, i));
  }
  cibatch_job_list_free(list);

  TRY("options", cibatch_list_options_new(&opts, &error));
  TRY("size", cibatch_list_options_set_size(opts, 1, &error));
  TRY("pages", cibatch_client_pages(client, opts, &pager, &error));
  for (;;) {
    TRY("next page", cibatch_pager_next(pager, &list, &error));
    if (!list) break;
    printf("page %d: %zu job(s), next token %s\n", ++page_no, cibatch_job_list_count(list),
           cibatch_job_list_next_token(list) ? cibatch_job_list_next_token(list) : "(none)");
    cibatch_job_list_free(list);
  }

  {
    const char *names[] = {"host"};
    const char *values[] = {"examplebucket-1250000000.ci.ap-beijing.myqcloud.com"};
    TRY("sign", cibatch_sign("GET", "/inventorytriggerjob", NULL, NULL, 0, names, values, 1, "AKIDexample",
                             "secret", 1700000000, 1700003600, &auth, &error));
    printf("Authorization: %.60s...\n", auth);
    cibatch_string_free(auth);
  }

  cibatch_pager_free(pager);
  cibatch_list_options_free(opts);
  cibatch_job_free(done);
  cibatch_job_free(job);
  cibatch_job_free(wf);
  cibatch_job_request_free(job_req);
  cibatch_workflow_request_free(wf_req);
  cibatch_client_free(client);
  cibatch_config_free(config);
  cibatch_emulator_free(emu);
  return 0;
}
