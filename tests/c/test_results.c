/* Per-object results of batch jobs from C: a Workflow batch job with two workflow IDs and a Job-type one, paging,
 * filters, one page from one source, and the report with its counts, failed list and progress callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cibatch.h"
#include "check.h"
#include "lifecycle.h"

struct progress {
  int calls;
  uint32_t pages;
  uint64_t results, failed;
  uint32_t stop_after;
};

static bool on_page(void *user_data, uint32_t pages, uint64_t results, uint64_t failed) {
  struct progress *p = user_data;
  p->calls++;
  p->pages = pages;
  p->results = results;
  p->failed = failed;
  return p->stop_after == 0 || pages < p->stop_after;
}

/* Every result of a batch job with these options, counting the failed ones. */
static int walk(cibatch_client *c, const char *id, cibatch_result_options *opts, int *failed) {
  cibatch_results_pager *pager = NULL;
  cibatch_object_result *r = NULL;
  int n = 0;
  MUST(cibatch_client_results(c, id, opts, &pager, ERR));
  for (;;) {
    MUST(cibatch_results_pager_next(pager, &r, ERR));
    if (r == NULL) break;
    n++;
    if (failed && cibatch_object_result_state_code(r) == CIBATCH_STATE_FAILED) (*failed)++;
    cibatch_object_result_free(r);
  }
  cibatch_results_pager_free(pager);
  return n;
}

void test_results(void) {
  cibatch_emulator *e = NULL;
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_workflow_request *wf = NULL;
  cibatch_job_request *jr = NULL;
  cibatch_job *job = NULL;
  cibatch_results_pager *pager = NULL;
  cibatch_result_page *page = NULL;
  cibatch_result_options *opts = NULL;
  cibatch_report *report = NULL;
  cibatch_error *err = NULL;
  char wf_id[64], tj_id[64];
  int failed = 0, pages = 0, n;
  struct progress prog = {0, 0, 0, 0, 0};
  const cibatch_object_result *r;

  /* Jobs end as soon as they are created: their units have ended too. */
  MUST(cibatch_emulator_start(0, NULL, 0, 0, &e, ERR));
  cibatch_emulator_set_timing(e, 0, 0);
  MUST(cibatch_emulator_add_objects(e, "in/img-", ".jpg", 25, ERR));
  MUST(cibatch_emulator_add_objects(e, "video/clip-", ".mov", 4, ERR));
  MUST(cibatch_emulator_add_objects(e, "video/one.mp4", NULL, 1, ERR));
  CHECK_EQ_INT(cibatch_emulator_object_count(e), 30, "objects added");
  MUST(cibatch_emulator_fail_objects(e, "in/img-0000*", "WorkflowFailed", "unreadable", ERR));
  MUST(cibatch_emulator_fail_objects(e, "*.mov", "InvalidInput", "unsupported <mov>", ERR));
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  cibatch_config_free(cfg);

  MUST(cibatch_workflow_request_new("two", CIBATCH_INPUT_PREFIX, "in/", "w1,w2", &wf, ERR));
  MUST(cibatch_client_create_workflow_job(c, wf, &job, ERR));
  snprintf(wf_id, sizeof wf_id, "%s", cibatch_job_id(job));
  cibatch_job_free(job);
  MUST(cibatch_job_request_new("videos", "Transcode", CIBATCH_INPUT_PREFIX, "video/", &jr, ERR));
  MUST(cibatch_client_create_job(c, jr, &job, ERR));
  snprintf(tj_id, sizeof tj_id, "%s", cibatch_job_id(job));
  cibatch_job_free(job);
  cibatch_workflow_request_free(wf);
  cibatch_job_request_free(jr);

  /* Workflow, two workflow IDs: in/img-00000 .. 00009 fail, in each workflow. */
  n = walk(c, wf_id, NULL, &failed);
  CHECK_EQ_INT(n, 50, "one execution per object per workflow");
  CHECK_EQ_INT(failed, 20, "failed executions");

  /* Pages of 10: three per workflow, each saying its workflow. */
  MUST(cibatch_result_options_new(&opts, ERR));
  MUST(cibatch_result_options_set_size(opts, 10, ERR));
  MUST(cibatch_client_results(c, wf_id, opts, &pager, ERR));
  CHECK_EQ_STR(cibatch_job_type(cibatch_results_pager_job(pager)), "Workflow", "the pager's job");
  for (;;) {
    MUST(cibatch_results_pager_next_page(pager, &page, ERR));
    if (page == NULL) break;
    pages++;
    CHECK_EQ_STR(cibatch_result_page_workflow_id(page), pages <= 3 ? "w1" : "w2", "page source");
    CHECK(cibatch_result_page_tag(page) == NULL, "no tag on a workflow page");
    CHECK_EQ_INT(cibatch_result_page_count(page), pages % 3 == 0 ? 5 : 10, "page size");
    CHECK((cibatch_result_page_next_token(page) == NULL) == (pages % 3 == 0), "last page of a workflow");
    CHECK(cibatch_result_page_get(page, 10) == NULL, "out of range");
    r = cibatch_result_page_get(page, 0);
    if (r == NULL) {
      CHECK(r != NULL, "a result on every page");
      cibatch_result_page_free(page);
      continue;
    }
    CHECK(strncmp(cibatch_object_result_object(r), "in/img-", 7) == 0, "object key");
    CHECK(cibatch_object_result_unit_id(r)[0] == 'i', "RunId");
    CHECK(strstr(cibatch_object_result_creation_time(r), "+0800") != NULL, "time in the documented form");
    CHECK(strstr(cibatch_object_result_raw_xml(r), "<WorkflowExecutionList>") != NULL, "raw XML");
    cibatch_result_page_free(page);
  }
  CHECK_EQ_INT(pages, 6, "six pages");
  CHECK_EQ_INT(cibatch_results_pager_pages_fetched(pager), 6, "pages fetched");
  cibatch_results_pager_free(pager);

  /* Filters: only failed; one object; a creation range before any unit. */
  MUST(cibatch_result_options_add_state(opts, "Failed", ERR));
  failed = 0;
  CHECK_EQ_INT(walk(c, tj_id, opts, &failed), 4, "failed media jobs");
  CHECK_EQ_INT(failed, 4, "all of them failed");
  cibatch_result_options_free(opts);
  MUST(cibatch_result_options_new(&opts, ERR));
  MUST(cibatch_result_options_set_object(opts, "video/one.mp4", ERR));
  MUST(cibatch_result_options_set_order(opts, CIBATCH_ORDER_ASC, ERR));
  MUST(cibatch_client_list_results(c, tj_id, NULL, "Transcode", opts, NULL, &page, ERR));
  CHECK_EQ_INT(cibatch_result_page_count(page), 1, "one object");
  r = cibatch_result_page_get(page, 0);
  CHECK_EQ_STR(cibatch_object_result_state(r), "Success", "state");
  CHECK_EQ_STR(cibatch_object_result_code(r), "Success", "code");
  CHECK_EQ_STR(cibatch_object_result_tag(r), "Transcode", "tag");
  CHECK_EQ_STR(cibatch_object_result_progress(r), "100", "progress");
  CHECK(cibatch_object_result_workflow_id(r) == NULL, "no workflow on a media job");
  CHECK(cibatch_object_result_start_time(r) != NULL && cibatch_object_result_end_time(r) != NULL, "times");
  CHECK(cibatch_object_result_message(r) != NULL, "message (empty)");
  CHECK_EQ_STR(cibatch_result_page_tag(page), "Transcode", "page tag");
  CHECK(cibatch_result_page_request_id(page) != NULL, "request id");
  cibatch_result_page_free(page);
  MUST(cibatch_result_options_set_object(opts, NULL, ERR));
  MUST(cibatch_result_options_set_creation_range(opts, NULL, "2001-01-01T00:00:00+08:00", ERR));
  CHECK_EQ_INT(walk(c, tj_id, opts, NULL), 0, "nothing created before 2001");
  MUST(cibatch_result_options_set_size(opts, 101, ERR));
  CHECK_EQ_INT(cibatch_client_results(c, tj_id, opts, &pager, &err), CIBATCH_INVALID_INPUT, "size 101");
  CHECK_EQ_STR(cibatch_error_argument(err), "size", "names size");
  cibatch_error_free(err);
  err = NULL;
  CHECK_EQ_INT(cibatch_result_options_set_order(opts, 7, &err), CIBATCH_INVALID_INPUT, "bad order");
  cibatch_error_free(err);
  err = NULL;
  cibatch_result_options_free(opts);
  CHECK_EQ_INT(cibatch_client_list_results(c, tj_id, "w1", "Transcode", NULL, NULL, &page, &err),
               CIBATCH_INVALID_INPUT, "workflow and tag both given");
  cibatch_error_free(err);
  err = NULL;
  CHECK_EQ_INT(cibatch_client_results(c, "b0", NULL, &pager, &err), CIBATCH_JOB_NOT_FOUND, "unknown batch job");
  cibatch_error_free(err);
  err = NULL;

  /* The report: counts, total, the first failed in creation order, a callback per page. */
  MUST(cibatch_client_report(c, wf_id, 3, on_page, &prog, &report, ERR));
  CHECK_EQ_INT(cibatch_report_total(report), 50, "total");
  CHECK_EQ_INT(cibatch_report_count(report, "Failed"), 20, "failed count");
  CHECK_EQ_INT(cibatch_report_count(report, "Success"), 30, "success count");
  CHECK_EQ_INT(cibatch_report_count(report, BAD_UTF8), 0, "bad state name counts nothing");
  CHECK_EQ_INT(cibatch_report_state_count(report), 2, "two states");
  CHECK_EQ_STR(cibatch_report_state_name(report, 0), "Failed", "states in name order");
  CHECK_EQ_INT(cibatch_report_state_total(report, 0), 20, "count of the first state");
  CHECK(cibatch_report_state_name(report, 2) == NULL, "out of range");
  CHECK_EQ_INT(cibatch_report_failed_count(report), 3, "failed kept up to the limit");
  CHECK_EQ_STR(cibatch_object_result_object(cibatch_report_failed_get(report, 0)), "in/img-00000.jpg", "first failed");
  CHECK_EQ_STR(cibatch_object_result_object(cibatch_report_failed_get(report, 2)), "in/img-00002.jpg", "third");
  CHECK(cibatch_report_failed_get(report, 3) == NULL, "out of range");
  CHECK_EQ_STR(cibatch_report_outcome(report), "completed with failures", "outcome");
  CHECK_EQ_STR(cibatch_job_id(cibatch_report_job(report)), wf_id, "the report's job");
  CHECK_EQ_INT(cibatch_report_pages(report), 2, "pages of 100, one per workflow");
  CHECK_EQ_INT(prog.calls, 2, "a callback per page");
  CHECK(prog.results == 50 && prog.failed == 20, "progress counts");
  cibatch_report_free(report);

  prog.calls = 0;
  prog.stop_after = 1;
  CHECK_EQ_INT(cibatch_client_report(c, wf_id, 100, on_page, &prog, &report, &err), CIBATCH_CANCELLED,
               "the callback stops the report");
  CHECK_EQ_INT(prog.calls, 1, "stopped after the first page");
  cibatch_error_free(err);
  MUST(cibatch_client_report(c, tj_id, 100, NULL, NULL, &report, ERR));
  CHECK_EQ_INT(cibatch_report_total(report), 5, "media jobs");
  CHECK_EQ_STR(cibatch_object_result_message(cibatch_report_failed_get(report, 0)), "unsupported <mov>", "message");
  CHECK_EQ_STR(cibatch_object_result_code(cibatch_report_failed_get(report, 0)), "InvalidInput", "code");
  cibatch_report_free(report);

  cibatch_client_free(c);
  cibatch_emulator_free(e);
}
