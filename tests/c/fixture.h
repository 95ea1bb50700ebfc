/* One live handle of each type, for the generated ABI checks. */
#ifndef CIBATCH_TEST_FIXTURE_H
#define CIBATCH_TEST_FIXTURE_H

#include "cibatch.h"

struct fixture {
  cibatch_emulator *emu;
  cibatch_config *config;
  cibatch_client *client;
  cibatch_workflow_request *wf_request;
  cibatch_job_request *job_request;
  cibatch_list_options *options;
  cibatch_pager *pager;
  cibatch_job *job;
  cibatch_job_list *list;
  cibatch_error *error;
  cibatch_cancel *cancel;
  cibatch_result_options *result_options;
  cibatch_results_pager *results_pager;
  cibatch_result_page *result_page;
  cibatch_report *report;
  cibatch_job *batch_job;
};

void abi_checks(struct fixture *fx);
/* The checks of functions on handles the library makes only inside a callback; call from inside it. */
void abi_checks_credentials(cibatch_credentials *h);
extern const int abi_check_calls;
extern const int abi_functions;

#endif
