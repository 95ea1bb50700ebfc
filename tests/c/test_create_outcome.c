/* Creates whose answer is lost, from C: outcome unknown, the resolving mode, find_created and an ambiguous match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cibatch.h"
#include "check.h"
#include "lifecycle.h"

static cibatch_client *client_for(cibatch_emulator *e, bool resolve) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  MUST(cibatch_config_set_retries(cfg, 3, false, 1, 5, ERR));
  MUST(cibatch_config_set_resolve_creates(cfg, resolve, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  cibatch_config_free(cfg);
  return c;
}

void test_create_outcome(cibatch_emulator *e) {
  cibatch_client *plain = client_for(e, false), *resolving = client_for(e, true);
  cibatch_workflow_request *req = NULL, *shared = NULL;
  cibatch_job *job = NULL;
  cibatch_job_list *found = NULL;
  cibatch_error *err = NULL;
  size_t jobs;
  int64_t since = (int64_t)time(NULL) - 300;

  /* Without resolving: outcome unknown, then find_created answers the question. */
  MUST(cibatch_workflow_request_new("lost-in-c", CIBATCH_INPUT_PREFIX, "c/", "w1", &req, ERR));
  MUST(cibatch_emulator_inject(e, CIBATCH_FAULT_LOSE_ANSWER, 1, ERR));
  jobs = cibatch_emulator_job_count(e);
  CHECK_EQ_INT(cibatch_client_create_workflow_job(plain, req, &job, &err), CIBATCH_OUTCOME_UNKNOWN, "lost answer");
  CHECK(strstr(cibatch_error_message(err), "outcome unknown") != NULL, "says so");
  cibatch_error_free(err);
  MUST(cibatch_client_find_created_workflow_job(plain, req, since, &found, ERR));
  CHECK_EQ_INT(cibatch_job_list_count(found), 1, "find_created finds the job");
  CHECK_EQ_STR(cibatch_job_name(cibatch_job_list_get(found, 0)), "lost-in-c", "that job");
  cibatch_job_list_free(found);
  MUST(cibatch_client_find_created_workflow_job(plain, req, (int64_t)time(NULL) + 3600, &found, ERR));
  CHECK_EQ_INT(cibatch_job_list_count(found), 0, "none since a later time");
  cibatch_job_list_free(found);
  cibatch_workflow_request_free(req);

  /* Resolving: the lost answer's job is returned, nothing is created twice. */
  MUST(cibatch_workflow_request_new("resolved-in-c", CIBATCH_INPUT_PREFIX, "c/", "w1", &req, ERR));
  MUST(cibatch_emulator_inject(e, CIBATCH_FAULT_LOSE_ANSWER, 1, ERR));
  jobs = cibatch_emulator_job_count(e);
  MUST(cibatch_client_create_workflow_job(resolving, req, &job, ERR));
  CHECK_EQ_STR(cibatch_job_name(job), "resolved-in-c", "the job the lost answer made");
  CHECK_EQ_INT(cibatch_emulator_job_count(e), jobs + 1, "made once");
  cibatch_job_free(job);
  cibatch_workflow_request_free(req);

  /* A name shared by two earlier jobs: ambiguous, reported with every matching ID, nothing more created. */
  MUST(cibatch_workflow_request_new("shared-in-c", CIBATCH_INPUT_PREFIX, "c/", "w1", &shared, ERR));
  MUST(cibatch_client_create_workflow_job(plain, shared, &job, ERR));
  cibatch_job_free(job);
  MUST(cibatch_client_create_workflow_job(plain, shared, &job, ERR));
  cibatch_job_free(job);
  MUST(cibatch_emulator_inject(e, CIBATCH_FAULT_LOSE_ANSWER, 1, ERR));
  jobs = cibatch_emulator_job_count(e);
  err = NULL;
  job = NULL;
  CHECK_EQ_INT(cibatch_client_create_workflow_job(resolving, shared, &job, &err), CIBATCH_AMBIGUOUS_CREATE,
               "ambiguous");
  CHECK_EQ_INT(cibatch_error_job_id_count(err), 3, "the two earlier jobs and the lost answer's");
  CHECK(cibatch_error_job_id(err, 2) != NULL && cibatch_error_job_id(err, 3) == NULL, "IDs by index");
  CHECK(job == NULL, "no job out");
  CHECK_EQ_INT(cibatch_emulator_job_count(e), jobs + 1, "nothing more created");
  cibatch_error_free(err);
  cibatch_workflow_request_free(shared);

  cibatch_client_free(plain);
  cibatch_client_free(resolving);
}
