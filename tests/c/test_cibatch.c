/* The C ABI from real C, against the in-process emulator: every operation, every error kind, paging to the end,
 * waiting, the signer against the spec's worked examples, threads, and (generated) every export with NULL and
 * invalid UTF-8. Run under valgrind by scripts/test.sh with zero leaks and zero errors required. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cibatch.h"
#include "check.h"
#include "fixture.h"
#include "lifecycle.h"

int checks_passed = 0;
int checks_failed = 0;


/* This suite's short names for check.h's MUST and ERR. */
#define OK MUST
#define E ERR

static cibatch_emulator *emu;
static cibatch_client *client;

static void test_version(void) {
  CHECK_EQ_STR(cibatch_version(), CIBATCH_VERSION, "library and header versions agree");
  CHECK_EQ_STR(cibatch_result_name(CIBATCH_SERVICE), "CIBATCH_SERVICE", "result names");
  CHECK_EQ_STR(cibatch_result_name(99), "CIBATCH_UNKNOWN", "unknown result name");
}

static void test_signer(void) {
  const char *host = "examplebucket-1250000000.ci.ap-beijing.myqcloud.com";
  const char *hn[] = {"host", "x-ci-security-token"};
  const char *hv[] = {host, "tok+en/="};
  char *auth = NULL;
  OK(cibatch_sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", NULL, NULL, 0, hn, hv, 1,
                  "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1699999940, 1700010000,
                  &auth, E));
  CHECK(strstr(auth, "q-signature=6b3df850d92e7c8feee62297ad13e6c4c4146cce") != NULL, "spec example 2: describe");
  CHECK(strncmp(auth, "q-sign-algorithm=sha1&q-ak=AKIDtestSecretId1234567890abcdef&q-sign-time=1699999940;1700010000&"
                      "q-key-time=1699999940;1700010000&q-header-list=host&q-url-param-list=&q-signature=", 170) == 0,
        "field order");
  cibatch_string_free(auth);

  OK(cibatch_sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", NULL, NULL, 0, hn, hv, 2,
                  "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1699999940, 1700010000,
                  &auth, E));
  CHECK(strstr(auth, "q-header-list=host;x-ci-security-token&") != NULL, "token header signed");
  CHECK(strstr(auth, "q-signature=38f755b255067e70cff2766489df6aaa040ac12a") != NULL, "spec example 2: token");
  cibatch_string_free(auth);

  {
    const char *cn[] = {"content-length", "host"};
    const char *cv[] = {"0", host};
    OK(cibatch_sign("PUT", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", NULL, NULL, 0, cn, cv, 2,
                    "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1699999940, 1700010000,
                    &auth, E));
    CHECK(strstr(auth, "q-signature=d687fa9d8555b6b63e320911d45f876bc6960544") != NULL, "spec example 2: cancel");
    cibatch_string_free(auth);
    OK(cibatch_sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", NULL, NULL, 0, hn, hv, 1,
                    "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1700000000, 1700003600,
                    &auth, E));
    CHECK(strstr(auth, "q-signature=7195c8691b3c4fd5377ea4939bbfe24215ec670b") != NULL, "spec example 3: describe");
    cibatch_string_free(auth);
  }
  {
    const char *pn[] = {"type", "orderByTime", "states", "size", "nextToken", "workflowId", "jobId"};
    const char *pv[] = {"Workflow", "Desc", "All", "10", "", "", ""};
    OK(cibatch_sign("GET", "/inventorytriggerjob", pn, pv, 7, hn, hv, 1, "AKIDtestSecretId1234567890abcdef",
                    "testSecretKey1234567890abcdefghij", 1699999940, 1700010000, &auth, E));
    CHECK(strstr(auth, "q-url-param-list=jobid;nexttoken;orderbytime;size;states;type;workflowid&") != NULL, "params");
    CHECK(strstr(auth, "q-signature=06d1dfe4851659c8e7717b4c139d6d930b9ee440") != NULL, "spec example 2: list");
    cibatch_string_free(auth);
  }
  {
    const char *pn[] = {"states", "name", "type", "nextToken", "startCreationTime", "orderByTime", "size"};
    const char *pv[] = {"Running,Failed", "a b/c", "Job", "25", "2022-02-25T12:00:00+0800", "Asc", "5"};
    OK(cibatch_sign("GET", "/inventorytriggerjob", pn, pv, 7, hn, hv, 1, "AKIDtestSecretId1234567890abcdef",
                    "testSecretKey1234567890abcdefghij", 1700000000, 1700003600, &auth, E));
    CHECK(strstr(auth, "q-signature=b3c3b93bcde98c7dff8a70619456b2e83ed80b34") != NULL, "spec example 3: list");
    cibatch_string_free(auth);
  }
  {
    const char *n[] = {"x-cos-stroage-class", "Host", "x-cos-content-sha1"};
    const char *v[] = {"nearline", "testbucket-125000000.cos.ap-guangzhou.myqcloud.com",
                       "db8ac1c259eb89d4a131b253bacfca5f319d54f2"};
    OK(cibatch_sign("PUT", "/testfile2", NULL, NULL, 0, n, v, 3, "QmFzZTY0IGlzIGEgZ2VuZXJp",
                    "AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", 1480932292, 1481012292, &auth, E));
    CHECK(strstr(auth, "q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a") != NULL, "spec example 1");
    cibatch_string_free(auth);
  }
  {
    const char *bad[] = {BAD_UTF8};
    cibatch_error *err = NULL;
    cibatch_result r = cibatch_sign("GET", "/", bad, bad, 1, NULL, NULL, 0, "id", "key", 1, 2, &auth, &err);
    CHECK_EQ_INT(r, CIBATCH_INVALID_UTF8, "invalid UTF-8 inside an array");
    CHECK_EQ_STR(cibatch_error_argument(err), "param_names", "names the array");
    cibatch_error_free(err);
    err = NULL;
    r = cibatch_sign("GET", "/", NULL, NULL, 2, NULL, NULL, 0, "id", "key", 1, 2, &auth, &err);
    CHECK_EQ_INT(r, CIBATCH_NULL_ARGUMENT, "NULL array with a count");
    cibatch_error_free(err);
  }
}

static cibatch_job *create_workflow(const char *name) {
  cibatch_workflow_request *req = NULL;
  cibatch_job *job = NULL;
  OK(cibatch_workflow_request_new(name, CIBATCH_INPUT_PREFIX, "input/", "w7476ff3564ee45b7b490d64bccaba6cc", &req, E));
  OK(cibatch_workflow_request_set_time_interval(req, "2022-02-01T12:00:00+0800", "2022-05-01T12:00:00+0800", E));
  OK(cibatch_client_create_workflow_job(client, req, &job, E));
  cibatch_workflow_request_free(req);
  return job;
}

/* cibatch_job_fields gives, for each field number, exactly the pointer the field's own getter gives. */
static void check_bulk_fields(const cibatch_job *job) {
  static const struct {
    uint32_t field;
    const char *(*getter)(const cibatch_job *);
  } table[] = {
      {CIBATCH_JOB_FIELD_JOB_ID, cibatch_job_id},
      {CIBATCH_JOB_FIELD_NAME, cibatch_job_name},
      {CIBATCH_JOB_FIELD_TYPE, cibatch_job_type},
      {CIBATCH_JOB_FIELD_STATE, cibatch_job_state},
      {CIBATCH_JOB_FIELD_CODE, cibatch_job_code},
      {CIBATCH_JOB_FIELD_MESSAGE, cibatch_job_message},
      {CIBATCH_JOB_FIELD_CREATION_TIME, cibatch_job_creation_time},
      {CIBATCH_JOB_FIELD_START_TIME, cibatch_job_start_time},
      {CIBATCH_JOB_FIELD_END_TIME, cibatch_job_end_time},
      {CIBATCH_JOB_FIELD_PREFIX, cibatch_job_input_prefix},
      {CIBATCH_JOB_FIELD_MANIFEST, cibatch_job_input_manifest},
      {CIBATCH_JOB_FIELD_URL_FILE, cibatch_job_input_url_file},
      {CIBATCH_JOB_FIELD_OBJECT, cibatch_job_input_object},
      {CIBATCH_JOB_FIELD_WORKFLOW_IDS, cibatch_job_workflow_ids},
      {CIBATCH_JOB_FIELD_TIME_INTERVAL_START, cibatch_job_time_interval_start},
      {CIBATCH_JOB_FIELD_TIME_INTERVAL_END, cibatch_job_time_interval_end},
      {CIBATCH_JOB_FIELD_TAG, cibatch_job_tag},
      {CIBATCH_JOB_FIELD_TEMPLATE_ID, cibatch_job_template_id},
      {CIBATCH_JOB_FIELD_JOB_PARAM_XML, cibatch_job_job_param_xml},
      {CIBATCH_JOB_FIELD_OUTPUT_REGION, cibatch_job_output_region},
      {CIBATCH_JOB_FIELD_OUTPUT_BUCKET, cibatch_job_output_bucket},
      {CIBATCH_JOB_FIELD_OUTPUT_OBJECT, cibatch_job_output_object},
      {CIBATCH_JOB_FIELD_OUTPUT_XML, cibatch_job_output_xml},
      {CIBATCH_JOB_FIELD_QUEUE_ID, cibatch_job_queue_id},
      {CIBATCH_JOB_FIELD_USER_DATA, cibatch_job_user_data},
      {CIBATCH_JOB_FIELD_JOB_LEVEL, cibatch_job_job_level},
      {CIBATCH_JOB_FIELD_CALLBACK, cibatch_job_callback},
      {CIBATCH_JOB_FIELD_CALLBACK_FORMAT, cibatch_job_callback_format},
      {CIBATCH_JOB_FIELD_CALLBACK_TYPE, cibatch_job_callback_type},
      {CIBATCH_JOB_FIELD_CALLBACK_MQ_MODE, cibatch_job_callback_mq_mode},
      {CIBATCH_JOB_FIELD_CALLBACK_MQ_REGION, cibatch_job_callback_mq_region},
      {CIBATCH_JOB_FIELD_CALLBACK_MQ_NAME, cibatch_job_callback_mq_name},
      {CIBATCH_JOB_FIELD_CALLBACK_KAFKA_REGION, cibatch_job_callback_kafka_region},
      {CIBATCH_JOB_FIELD_CALLBACK_KAFKA_INSTANCE_ID, cibatch_job_callback_kafka_instance_id},
      {CIBATCH_JOB_FIELD_CALLBACK_KAFKA_TOPIC, cibatch_job_callback_kafka_topic},
      {CIBATCH_JOB_FIELD_QUEUE_TYPE, cibatch_job_queue_type},
      {CIBATCH_JOB_FIELD_PROGRESS, cibatch_job_progress},
      {CIBATCH_JOB_FIELD_RAW_XML, cibatch_job_raw_xml},
  };
  size_t n = sizeof table / sizeof table[0];
  const char *all[64];
  uint32_t picked[3] = {CIBATCH_JOB_FIELD_RAW_XML, 9999, CIBATCH_JOB_FIELD_JOB_ID};
  const char *some[3] = {"x", "x", "x"};
  CHECK_EQ_INT(cibatch_job_field_count(), n, "every field has a number");
  CHECK(cibatch_job_fields(job, NULL, n, all), "read all");
  for (size_t i = 0; i < n; i++) {
    CHECK_EQ_INT(table[i].field, i, "numbers in order");
    CHECK(all[table[i].field] == table[i].getter(job), "same pointer as the getter");
  }
  CHECK(cibatch_job_fields(job, picked, 3, some), "read named fields");
  CHECK(some[0] == cibatch_job_raw_xml(job) && some[1] == NULL && some[2] == cibatch_job_id(job), "named fields");
  CHECK(!cibatch_job_fields(NULL, picked, 3, some) && !cibatch_job_fields(job, picked, 3, NULL), "NULL refused");
}

static void test_create(void) {
  cibatch_job *wf = create_workflow("c-workflow");
  CHECK_EQ_STR(cibatch_job_state(wf), "Submitted", "new job state");
  CHECK_EQ_INT(cibatch_job_state_code(wf), CIBATCH_STATE_SUBMITTED, "state code");
  CHECK(!cibatch_job_is_terminal(wf), "not terminal");
  CHECK_EQ_STR(cibatch_job_type(wf), "Workflow", "type");
  CHECK_EQ_STR(cibatch_job_name(wf), "c-workflow", "name");
  CHECK_EQ_STR(cibatch_job_code(wf), "Success", "code");
  CHECK_EQ_STR(cibatch_job_message(wf), "", "message");
  CHECK(strlen(cibatch_job_id(wf)) == 33, "job id");
  CHECK(cibatch_job_creation_time(wf) != NULL, "creation time");
  CHECK(cibatch_job_start_time(wf) == NULL && cibatch_job_end_time(wf) == NULL, "'-' times are NULL");
  CHECK_EQ_STR(cibatch_job_input_prefix(wf), "input/", "prefix");
  CHECK(cibatch_job_input_object(wf) == NULL, "absent input is NULL");
  CHECK_EQ_STR(cibatch_job_workflow_ids(wf), "w7476ff3564ee45b7b490d64bccaba6cc", "workflow ids");
  CHECK_EQ_STR(cibatch_job_time_interval_start(wf), "2022-02-01T12:00:00+0800", "interval start");
  CHECK_EQ_STR(cibatch_job_time_interval_end(wf), "2022-05-01T12:00:00+0800", "interval end");
  CHECK(strstr(cibatch_job_raw_xml(wf), "<JobsDetail>") == cibatch_job_raw_xml(wf), "raw xml");
  CHECK(cibatch_job_id(wf) == cibatch_job_id(wf), "getters return a stable pointer");
  cibatch_job_free(wf);

  {
    cibatch_job_request *req = NULL;
    cibatch_job *job = NULL;
    OK(cibatch_job_request_new("c_job-1", "Snapshot", CIBATCH_INPUT_OBJECT, "in/a b.mp4", &req, E));
    OK(cibatch_job_request_add_param(req, "TemplateId", "t1460606b9752148c4ab182f55163ba7cd", E));
    OK(cibatch_job_request_add_param_xml(req, "<Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot>", E));
    OK(cibatch_job_request_set_output(req, "ap-chongqing", "test-1234567890", "out/${InputName}.jpg", E));
    OK(cibatch_job_request_add_output_xml(req, "<SpriteObject>s/${Number}.jpg</SpriteObject>", E));
    OK(cibatch_job_request_set_options(req, "p893bcda225bf4945a378da6662e81a89", "my data", "https://cb.example.com/x",
                                       "JSON", "Url", E));
    OK(cibatch_job_request_set_job_level(req, 2, E));
    OK(cibatch_job_request_set_callback_mq(req, "Queue", "Guangzhou", "q1", E));
    OK(cibatch_job_request_set_time_interval(req, "2022-02-01T12:00:00+0800", NULL, E));
    OK(cibatch_job_request_add_operation_xml(req, "<FutureField>v</FutureField>", E));
    OK(cibatch_client_create_job(client, req, &job, E));
    CHECK_EQ_STR(cibatch_job_type(job), "Job", "job type");
    CHECK_EQ_STR(cibatch_job_name(job), "c_job-1", "name round-trips");
    CHECK_EQ_STR(cibatch_job_input_object(job), "in/a b.mp4", "object input");
    CHECK_EQ_STR(cibatch_job_tag(job), "Snapshot", "tag");
    CHECK_EQ_STR(cibatch_job_template_id(job), "t1460606b9752148c4ab182f55163ba7cd", "template id");
    CHECK(strstr(cibatch_job_job_param_xml(job), "<Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot>") != NULL,
          "pass-through job param");
    CHECK_EQ_STR(cibatch_job_output_region(job), "ap-chongqing", "output region");
    CHECK_EQ_STR(cibatch_job_output_bucket(job), "test-1234567890", "output bucket");
    CHECK_EQ_STR(cibatch_job_output_object(job), "out/${InputName}.jpg", "output object");
    CHECK(strstr(cibatch_job_output_xml(job), "<SpriteObject>s/${Number}.jpg</SpriteObject>") != NULL, "output xml");
    CHECK_EQ_STR(cibatch_job_queue_id(job), "p893bcda225bf4945a378da6662e81a89", "queue id");
    CHECK_EQ_STR(cibatch_job_user_data(job), "my data", "user data");
    CHECK_EQ_STR(cibatch_job_job_level(job), "2", "job level");
    CHECK_EQ_STR(cibatch_job_callback(job), "https://cb.example.com/x", "callback");
    CHECK_EQ_STR(cibatch_job_callback_format(job), "JSON", "callback format");
    CHECK_EQ_STR(cibatch_job_callback_type(job), "Url", "callback type");
    CHECK_EQ_STR(cibatch_job_callback_mq_mode(job), "Queue", "mq mode");
    CHECK_EQ_STR(cibatch_job_callback_mq_region(job), "Guangzhou", "mq region");
    CHECK_EQ_STR(cibatch_job_callback_mq_name(job), "q1", "mq name");
    CHECK(cibatch_job_time_interval_end(job) == NULL, "absent end");
    CHECK(strstr(cibatch_job_raw_xml(job), "<FutureField>v</FutureField>") != NULL, "raw xml keeps unmodelled fields");
    check_bulk_fields(job);
    cibatch_job_free(job);

    {
      cibatch_error *err = NULL;
      cibatch_result r = cibatch_job_request_add_param_xml(req, "<Open>", &err);
      CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "malformed XML fragment");
      CHECK_EQ_STR(cibatch_error_argument(err), "xml_fragment", "names the fragment");
      cibatch_error_free(err);
      err = NULL;
      OK(cibatch_job_request_set_job_level(req, 9, E));
      r = cibatch_client_create_job(client, req, &job, &err);
      CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "job level out of range");
      CHECK_EQ_STR(cibatch_error_argument(err), "job_level", "names job_level");
      cibatch_error_free(err);
    }
    cibatch_job_request_free(req);
  }
}

static void test_describe(void) {
  cibatch_job *a = create_workflow("describe-a");
  cibatch_job *b = create_workflow("describe-b");
  cibatch_job *got = NULL;
  cibatch_job_list *list = NULL;
  const char *ids[3];
  OK(cibatch_client_describe_job(client, cibatch_job_id(a), &got, E));
  CHECK_EQ_STR(cibatch_job_name(got), "describe-a", "describe one");
  cibatch_job_free(got);

  ids[0] = cibatch_job_id(a);
  ids[1] = "b00000000000000000000000000000000";
  ids[2] = cibatch_job_id(b);
  OK(cibatch_client_describe_jobs(client, ids, 3, &list, E));
  CHECK_EQ_INT(cibatch_job_list_count(list), 2, "two found");
  CHECK_EQ_STR(cibatch_job_id(cibatch_job_list_get(list, 0)), ids[0], "first");
  CHECK_EQ_STR(cibatch_job_id(cibatch_job_list_get(list, 1)), ids[2], "second");
  CHECK(cibatch_job_list_get(list, 2) == NULL, "out of range is NULL");
  CHECK_EQ_INT(cibatch_job_list_non_exist_count(list), 1, "one missing");
  CHECK_EQ_STR(cibatch_job_list_non_exist_get(list, 0), ids[1], "the missing id");
  CHECK(cibatch_job_list_non_exist_get(list, 1) == NULL, "out of range");
  CHECK(cibatch_job_list_request_id(list) != NULL && *cibatch_job_list_request_id(list), "request id");
  CHECK(cibatch_job_list_next_token(list) == NULL, "no token on a describe");
  got = cibatch_job_clone(cibatch_job_list_get(list, 1));
  cibatch_job_list_free(list);
  CHECK_EQ_STR(cibatch_job_name(got), "describe-b", "a clone outlives its list");
  cibatch_job_free(got);

  {
    cibatch_error *err = NULL;
    cibatch_result r = cibatch_client_describe_job(client, "b00000000000000000000000000000000", &got, &err);
    CHECK_EQ_INT(r, CIBATCH_JOB_NOT_FOUND, "missing job");
    CHECK_EQ_INT(cibatch_error_result(err), CIBATCH_JOB_NOT_FOUND, "error kind");
    CHECK(strstr(cibatch_error_message(err), "does not exist") != NULL, "message");
    CHECK(cibatch_error_request_id(err) != NULL, "request id of a not-found");
    cibatch_error_free(err);
  }
  cibatch_job_free(a);
  cibatch_job_free(b);
}

static void test_list_and_paging(void) {
  cibatch_list_options *opts = NULL;
  cibatch_pager *pager = NULL;
  cibatch_job_list *page = NULL;
  int i, pages = 0, total = 0;
  char name[32];
  for (i = 0; i < 7; i++) {
    snprintf(name, sizeof name, "page-%d", i);
    cibatch_job_free(create_workflow(name));
  }
  OK(cibatch_list_options_new(&opts, E));
  OK(cibatch_list_options_set_type(opts, "Workflow", E));
  OK(cibatch_list_options_set_order(opts, CIBATCH_ORDER_ASC, E));
  OK(cibatch_list_options_set_size(opts, 3, E));
  OK(cibatch_list_options_set_filters(opts, NULL, NULL, "w7476ff3564ee45b7b490d64bccaba6cc", NULL, NULL, E));

  /* By hand: follow next tokens. */
  OK(cibatch_client_list_jobs(client, opts, &page, E));
  CHECK_EQ_INT(cibatch_job_list_count(page), 3, "first page is full");
  CHECK(cibatch_job_list_next_token(page) != NULL, "a next token");
  OK(cibatch_list_options_set_next_token(opts, cibatch_job_list_next_token(page), E));
  cibatch_job_list_free(page);
  OK(cibatch_client_list_jobs(client, opts, &page, E));
  CHECK_EQ_INT(cibatch_job_list_count(page), 3, "second page");
  cibatch_job_list_free(page);
  OK(cibatch_list_options_set_next_token(opts, NULL, E));

  /* With a pager, to the end. */
  OK(cibatch_client_pages(client, opts, &pager, E));
  for (;;) {
    OK(cibatch_pager_next(pager, &page, E));
    if (!page) break;
    pages++;
    total += (int)cibatch_job_list_count(page);
    if (cibatch_job_list_next_token(page) == NULL) CHECK_EQ_INT(pages, cibatch_pager_pages_fetched(pager), "count");
    cibatch_job_list_free(page);
  }
  OK(cibatch_pager_next(pager, &page, E));
  CHECK(page == NULL, "a finished pager stays finished");
  cibatch_pager_free(pager);
  CHECK_EQ_INT(total, (int)cibatch_emulator_job_count(emu) - 1, "every Workflow job (one Job-type job is filtered out)");
  CHECK(pages >= 3, "several pages");

  /* States filter, and bad options. */
  OK(cibatch_list_options_add_state(opts, "Cancel", E));
  OK(cibatch_client_list_jobs(client, opts, &page, E));
  CHECK_EQ_INT(cibatch_job_list_count(page), 0, "no cancelled jobs yet");
  cibatch_job_list_free(page);
  {
    cibatch_error *err = NULL;
    cibatch_result r;
    OK(cibatch_list_options_set_size(opts, 101, E));
    r = cibatch_client_list_jobs(client, opts, &page, &err);
    CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "size 101");
    CHECK_EQ_STR(cibatch_error_argument(err), "size", "names size");
    CHECK_EQ_INT(cibatch_error_attempts(err), 0, "nothing sent");
    cibatch_error_free(err);
    err = NULL;
    r = cibatch_list_options_set_order(opts, 7, &err);
    CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "bad order");
    cibatch_error_free(err);
  }
  /* NULL options: the service's defaults. */
  OK(cibatch_client_list_jobs(client, NULL, &page, E));
  CHECK_EQ_INT(cibatch_job_list_count(page), 10, "default page size");
  cibatch_job_list_free(page);
  cibatch_list_options_free(opts);
}

static void test_cancel(void) {
  cibatch_job *job = NULL, *after = NULL;
  cibatch_error *err = NULL;
  cibatch_result r;
  cibatch_emulator_set_timing(emu, 60000, 60000);
  job = create_workflow("to-cancel");
  OK(cibatch_client_cancel_job(client, cibatch_job_id(job), E));
  OK(cibatch_client_describe_job(client, cibatch_job_id(job), &after, E));
  CHECK_EQ_INT(cibatch_job_state_code(after), CIBATCH_STATE_CANCEL, "cancelled");
  CHECK(cibatch_job_is_terminal(after), "terminal");
  cibatch_job_free(after);
  r = cibatch_client_cancel_job(client, cibatch_job_id(job), &err);
  CHECK_EQ_INT(r, CIBATCH_SERVICE, "second cancel refused");
  CHECK_EQ_INT(cibatch_error_status(err), 400, "status");
  CHECK_EQ_STR(cibatch_error_code(err), "InvalidArgument", "code");
  CHECK(cibatch_error_service_message(err) != NULL, "service message");
  CHECK(cibatch_error_request_id(err) != NULL, "request id");
  CHECK(cibatch_error_trace_id(err) != NULL, "trace id");
  CHECK_EQ_INT(cibatch_error_attempts(err), 1, "4xx not retried");
  CHECK(strstr(cibatch_error_message(err), "cancel job") != NULL, "message names the operation");
  cibatch_error_free(err);
  cibatch_job_free(job);
  cibatch_emulator_set_timing(emu, 50, 100);
}

static int state_changes;
static char states_seen[128];
static bool on_poll(void *user_data, const cibatch_job *job, bool state_changed) {
  int *count = (int *)user_data;
  if (state_changed) {
    (*count)++;
    strncat(states_seen, cibatch_job_state(job), sizeof states_seen - strlen(states_seen) - 2);
    strcat(states_seen, ",");
  }
  return true;
}

static bool stop_at_once(void *user_data, const cibatch_job *job, bool state_changed) {
  (void)user_data;
  (void)job;
  (void)state_changed;
  return false;
}

static void test_wait(void) {
  cibatch_job *job, *done = NULL;
  cibatch_error *err = NULL;
  cibatch_result r;
  /* Each describe moves a job one state on: no poll can miss a state, however slow the run (valgrind, load). */
  OK(cibatch_emulator_set_clock(emu, CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE, E));
  job = create_workflow("wait");
  state_changes = 0;
  states_seen[0] = 0;
  OK(cibatch_client_wait_for_job(client, cibatch_job_id(job), 20000, 20, 50, on_poll, &state_changes, &done, E));
  CHECK_EQ_INT(cibatch_job_state_code(done), CIBATCH_STATE_SUCCESS, "waited to success");
  CHECK_EQ_STR(states_seen, "Submitted,Running,Success,", "each state reported once");
  CHECK_EQ_INT(state_changes, 3, "callback count");
  CHECK(cibatch_job_end_time(done) != NULL, "end time");
  cibatch_job_free(done);
  cibatch_job_free(job);

  job = create_workflow("fails");
  OK(cibatch_emulator_fail_job(emu, cibatch_job_id(job), "InvalidInput", "not a video", E));
  OK(cibatch_client_wait_for_job(client, cibatch_job_id(job), 20000, 20, 50, NULL, NULL, &done, E));
  CHECK_EQ_INT(cibatch_job_state_code(done), CIBATCH_STATE_FAILED, "failed");
  CHECK_EQ_STR(cibatch_job_code(done), "InvalidInput", "failure code");
  CHECK_EQ_STR(cibatch_job_message(done), "not a video", "failure message");
  cibatch_job_free(done);
  cibatch_job_free(job);

  /* A clock only the test moves: the job stays Submitted however long the waits take. */
  OK(cibatch_emulator_set_clock(emu, CIBATCH_EMULATOR_CLOCK_MANUAL, E));
  cibatch_emulator_set_timing(emu, 60000, 60000);
  job = create_workflow("slow");
  done = NULL;
  r = cibatch_client_wait_for_job(client, cibatch_job_id(job), 200, 50, 50, NULL, NULL, &done, &err);
  CHECK_EQ_INT(r, CIBATCH_WAIT_TIMEOUT, "wait timeout");
  CHECK(done == NULL, "out-parameter untouched on failure");
  CHECK(strstr(cibatch_error_message(err), "Submitted") != NULL, "says the last state");
  CHECK(cibatch_error_is_timeout(err), "a wait timeout is a timeout");
  cibatch_error_free(err);
  err = NULL;
  r = cibatch_client_wait_for_job(client, cibatch_job_id(job), 5000, 50, 50, stop_at_once, NULL, &done, &err);
  CHECK_EQ_INT(r, CIBATCH_CANCELLED, "the callback stops the wait");
  CHECK(!cibatch_error_is_timeout(err), "a cancel is not a timeout");
  cibatch_error_free(err);
  {
    /* A per-call deadline bounds a wait too. */
    cibatch_client *bounded = NULL;
    OK(cibatch_client_with_timeout(client, 300, &bounded, E));
    err = NULL;
    r = cibatch_client_wait_for_job(bounded, cibatch_job_id(job), 60000, 50, 50, NULL, NULL, &done, &err);
    CHECK_EQ_INT(r, CIBATCH_WAIT_TIMEOUT, "deadline ends the wait");
    cibatch_error_free(err);
    cibatch_client_free(bounded);
  }
  OK(cibatch_client_describe_job(client, cibatch_job_id(job), &done, E));
  CHECK_EQ_INT(cibatch_job_state_code(done), CIBATCH_STATE_SUBMITTED, "the manual clock stood still");
  cibatch_job_free(done);
  cibatch_emulator_advance(emu, 60000);
  OK(cibatch_client_describe_job(client, cibatch_job_id(job), &done, E));
  CHECK_EQ_INT(cibatch_job_state_code(done), CIBATCH_STATE_RUNNING, "advanced past Submitted");
  cibatch_job_free(done);
  cibatch_emulator_advance(NULL, 1); /* does nothing */
  r = cibatch_emulator_set_clock(emu, 7, &err);
  CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "unknown clock");
  CHECK_EQ_STR(cibatch_error_argument(err), "clock", "names clock");
  cibatch_error_free(err);
  err = NULL;
  OK(cibatch_emulator_set_job_state(emu, cibatch_job_id(job), "Pause", E));
  OK(cibatch_client_describe_job(client, cibatch_job_id(job), &done, E));
  CHECK_EQ_INT(cibatch_job_state_code(done), CIBATCH_STATE_PAUSE, "forced state");
  cibatch_job_free(done);
  cibatch_job_free(job);
  OK(cibatch_emulator_set_clock(emu, CIBATCH_EMULATOR_CLOCK_WALL, E));
  cibatch_emulator_set_timing(emu, 50, 100);
}

static void test_error_kinds(void) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_job_list *page = NULL;
  cibatch_emulator *second = NULL;
  cibatch_error *err = NULL;
  cibatch_result r;

  /* Invalid input: a bucket that would change the host. */
  OK(cibatch_config_new("evil.com/x-125", "ap-beijing", "id", "key", &cfg, E));
  r = cibatch_client_new(cfg, &c, &err);
  CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "bad bucket");
  CHECK_EQ_STR(cibatch_error_argument(err), "bucket", "names bucket");
  CHECK(c == NULL, "no client");
  cibatch_error_free(err);
  cibatch_config_free(cfg);

  /* Transport: nothing listens there. */
  OK(cibatch_emulator_client_config(emu, &cfg, E));
  OK(cibatch_config_set_endpoint(cfg, "http://127.0.0.1:1", E));
  /* The per-knob retry setters: out of range is refused and changes nothing. */
  OK(cibatch_config_set_max_attempts(cfg, 2, E));
  CHECK_EQ_INT(cibatch_config_set_max_attempts(cfg, 0, &err), CIBATCH_INVALID_INPUT, "0 attempts");
  CHECK_EQ_STR(cibatch_error_argument(err), "max_attempts", "names max_attempts");
  cibatch_error_free(err);
  err = NULL;
  CHECK_EQ_INT(cibatch_config_set_max_attempts(cfg, 11, NULL), CIBATCH_INVALID_INPUT, "11 attempts");
  OK(cibatch_config_set_retry_create(cfg, false, E));
  OK(cibatch_config_set_backoff(cfg, 1, 5, E));
  OK(cibatch_config_set_backoff(cfg, 0, 0, E)); /* 0 keeps each */
  CHECK_EQ_INT(cibatch_config_set_backoff(cfg, 86400001, 0, &err), CIBATCH_INVALID_INPUT, "base over a day");
  CHECK_EQ_STR(cibatch_error_argument(err), "base_ms", "names base_ms");
  cibatch_error_free(err);
  err = NULL;
  CHECK_EQ_INT(cibatch_config_set_backoff(cfg, 1, 86400001, NULL), CIBATCH_INVALID_INPUT, "cap over a day");
  OK(cibatch_client_new(cfg, &c, E));
  err = NULL;
  r = cibatch_client_list_jobs(c, NULL, &page, &err);
  CHECK_EQ_INT(r, CIBATCH_TRANSPORT, "connection refused");
  CHECK_EQ_INT(cibatch_error_attempts(err), 2, "retried");
  CHECK_EQ_INT(cibatch_error_status(err), 0, "no status");
  CHECK(!cibatch_error_is_timeout(err), "refused is not a timeout");
  cibatch_error_free(err);
  cibatch_client_free(c);
  cibatch_config_free(cfg);

  /* Service: the wrong key. Temporary credentials are refused by an emulator without a token too. */
  OK(cibatch_config_new(cibatch_emulator_bucket(emu), cibatch_emulator_region(emu), cibatch_emulator_secret_id(emu),
                        "wrong-key", &cfg, E));
  OK(cibatch_config_set_endpoint(cfg, cibatch_emulator_endpoint(emu), E));
  OK(cibatch_client_new(cfg, &c, E));
  err = NULL;
  r = cibatch_client_list_jobs(c, NULL, &page, &err);
  CHECK_EQ_INT(r, CIBATCH_SERVICE, "wrong key");
  CHECK_EQ_INT(cibatch_error_status(err), 403, "403");
  CHECK_EQ_STR(cibatch_error_code(err), "AccessDenied", "AccessDenied");
  CHECK(strstr(cibatch_error_message(err), "wrong-key") == NULL, "no secret in messages");
  cibatch_error_free(err);
  cibatch_client_free(c);
  cibatch_config_free(cfg);

  /* Invalid response, retries and faults. */
  OK(cibatch_emulator_inject(emu, CIBATCH_FAULT_MALFORMED_XML, 5, E));
  err = NULL;
  r = cibatch_client_list_jobs(client, NULL, &page, &err);
  CHECK_EQ_INT(r, CIBATCH_INVALID_RESPONSE, "malformed XML");
  CHECK_EQ_INT(cibatch_error_attempts(err), 3, "read retried up to 3 attempts");
  cibatch_error_free(err);
  cibatch_emulator_clear_faults(emu);
  {
    uint64_t before = cibatch_emulator_request_count(emu);
    OK(cibatch_emulator_inject_status(emu, 503, "SlowDown", 1, E));
    OK(cibatch_client_list_jobs(client, NULL, &page, E));
    cibatch_job_list_free(page);
    CHECK_EQ_INT(cibatch_emulator_request_count(emu) - before, 2, "one retry after SlowDown");
  }
  {
    size_t jobs = cibatch_emulator_job_count(emu);
    cibatch_job *job = NULL;
    cibatch_workflow_request *req = NULL;
    OK(cibatch_workflow_request_new("lost-answer", CIBATCH_INPUT_PREFIX, "p/", "w1", &req, E));
    OK(cibatch_emulator_inject(emu, CIBATCH_FAULT_CUT_BODY, 1, E));
    err = NULL;
    r = cibatch_client_create_workflow_job(client, req, &job, &err);
    CHECK_EQ_INT(r, CIBATCH_OUTCOME_UNKNOWN, "cut body after the job was made: outcome unknown");
    CHECK(cibatch_error_is_outcome_unknown(err) && cibatch_error_attempts(err) == 1, "flag and attempts");
    CHECK_EQ_INT(cibatch_emulator_job_count(emu), jobs + 1, "create not repeated");
    cibatch_error_free(err);
    cibatch_workflow_request_free(req);
  }
  OK(cibatch_emulator_inject_delay(emu, 2000, 1, E));
  OK(cibatch_emulator_client_config(emu, &cfg, E));
  OK(cibatch_config_set_timeouts(cfg, 200, 0, 0, E));
  OK(cibatch_config_set_retries(cfg, 1, false, 1, 5, E));
  OK(cibatch_client_new(cfg, &c, E));
  err = NULL;
  r = cibatch_client_list_jobs(c, NULL, &page, &err);
  CHECK_EQ_INT(r, CIBATCH_TRANSPORT, "timeout");
  CHECK(strstr(cibatch_error_message(err), "Timeout") != NULL, "says timeout");
  CHECK(cibatch_error_is_timeout(err), "is a timeout");
  cibatch_error_free(err);
  {
    /* A per-call deadline shorter than the client's own timeout. */
    cibatch_client *bounded = NULL;
    OK(cibatch_emulator_inject_delay(emu, 2000, 1, E));
    OK(cibatch_client_with_timeout(client, 200, &bounded, E));
    err = NULL;
    r = cibatch_client_list_jobs(bounded, NULL, &page, &err);
    CHECK_EQ_INT(r, CIBATCH_TRANSPORT, "per-call deadline");
    CHECK(cibatch_error_is_timeout(err), "deadline is a timeout");
    cibatch_error_free(err);
    cibatch_client_free(bounded);
    cibatch_emulator_clear_faults(emu);
  }
  OK(cibatch_emulator_inject_huge_body(emu, 100000, 1, E));
  OK(cibatch_config_set_max_response_bytes(cfg, 10000, E));
  cibatch_client_free(c);
  OK(cibatch_client_new(cfg, &c, E));
  err = NULL;
  r = cibatch_client_list_jobs(c, NULL, &page, &err);
  CHECK(r != CIBATCH_OK, "huge body refused");
  CHECK(strstr(cibatch_error_message(err), "exceeds the limit") != NULL, "says why");
  cibatch_error_free(err);
  cibatch_client_free(c);
  cibatch_config_free(cfg);

  /* IO: the emulator's port is taken. */
  err = NULL;
  r = cibatch_emulator_start(cibatch_emulator_port(emu), NULL, 0, 0, &second, &err);
  CHECK_EQ_INT(r, CIBATCH_IO, "port in use");
  CHECK(second == NULL, "no emulator");
  cibatch_error_free(err);

  /* From the environment with nothing set. */
  err = NULL;
  r = cibatch_config_from_env(&cfg, &err);
  CHECK_EQ_INT(r, CIBATCH_INVALID_INPUT, "no environment");
  cibatch_error_free(err);
}

static void test_reliability_options(void) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_job_list *page = NULL;
  cibatch_error *err = NULL;
  uint64_t before;
  /* A skewed service clock is corrected from its Date header, once. */
  cibatch_emulator_set_clock_skew(emu, 7200);
  OK(cibatch_emulator_client_config(emu, &cfg, E));
  OK(cibatch_config_set_max_xml_depth(cfg, 16, E));
  OK(cibatch_client_new(cfg, &c, E));
  before = cibatch_emulator_request_count(emu);
  OK(cibatch_client_list_jobs(c, NULL, &page, E));
  cibatch_job_list_free(page);
  CHECK_EQ_INT(cibatch_emulator_request_count(emu) - before, 2, "refused once, then corrected");
  CHECK(cibatch_client_clock_offset(c) > 7000 && cibatch_client_clock_offset(c) < 7400, "learned the offset");
  cibatch_client_free(c);
  /* A known offset needs no correction. */
  OK(cibatch_config_set_clock_offset(cfg, 7200, E));
  OK(cibatch_client_new(cfg, &c, E));
  before = cibatch_emulator_request_count(emu);
  OK(cibatch_client_list_jobs(c, NULL, &page, E));
  cibatch_job_list_free(page);
  CHECK_EQ_INT(cibatch_emulator_request_count(emu) - before, 1, "no correction needed");
  cibatch_client_free(c);
  cibatch_emulator_set_clock_skew(emu, 0);
  /* Bad CA bundles and proxies are refused when the client is made. */
  OK(cibatch_config_set_clock_offset(cfg, 0, E));
  OK(cibatch_config_set_ca_bundle(cfg, "/nonexistent/ca.pem", E));
  CHECK_EQ_INT(cibatch_client_new(cfg, &c, &err), CIBATCH_INVALID_INPUT, "missing CA bundle");
  CHECK_EQ_STR(cibatch_error_argument(err), "ca_bundle", "names ca_bundle");
  cibatch_error_free(err);
  err = NULL;
  OK(cibatch_config_set_ca_bundle(cfg, NULL, E));
  OK(cibatch_config_set_proxy(cfg, "::not a url::", E));
  CHECK_EQ_INT(cibatch_client_new(cfg, &c, &err), CIBATCH_INVALID_INPUT, "bad proxy");
  CHECK_EQ_STR(cibatch_error_argument(err), "proxy", "names proxy");
  cibatch_error_free(err);
  cibatch_config_free(cfg);
}

struct provider_state {
  cibatch_emulator *emu;
  int calls;
};

static bool provide(void *user_data, cibatch_credentials *out) {
  struct provider_state *st = (struct provider_state *)user_data;
  st->calls++;
  if (st->calls == 1) {
    /* The generated NULL/UTF-8 checks of cibatch_credentials_set need a live `out`: refused calls fill nothing. */
    abi_checks_credentials(out);
  }
  return cibatch_credentials_set(out, cibatch_emulator_secret_id(st->emu), cibatch_emulator_secret_key(st->emu),
                                 "sts-token", (int64_t)time(NULL) + 3600, NULL) == CIBATCH_OK;
}

static bool refuse(void *user_data, cibatch_credentials *out) {
  (void)user_data;
  (void)out;
  return false;
}

static char log_text[8192];
static void collect_log(void *user_data, cibatch_log_level level, const char *message) {
  (void)user_data;
  if (level <= CIBATCH_LOG_DEBUG && strlen(log_text) + strlen(message) + 2 < sizeof log_text) {
    strcat(log_text, message);
    strcat(log_text, "\n");
  }
}

static void test_provider_and_logger(void) {
  cibatch_emulator *e = NULL;
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_job_list *page = NULL;
  cibatch_error *err = NULL;
  struct provider_state st;
  int i;
  OK(cibatch_emulator_start(0, "sts-token", 10, 10, &e, E));
  st.emu = e;
  st.calls = 0;
  OK(cibatch_config_new(cibatch_emulator_bucket(e), cibatch_emulator_region(e), "unused", "unused", &cfg, E));
  OK(cibatch_config_set_endpoint(cfg, cibatch_emulator_endpoint(e), E));
  OK(cibatch_config_set_credentials_provider(cfg, provide, &st, NULL, E));
  log_text[0] = 0;
  OK(cibatch_config_set_logger(cfg, collect_log, NULL, CIBATCH_LOG_DEBUG, NULL, E));
  OK(cibatch_client_new(cfg, &c, E));
  for (i = 0; i < 3; i++) {
    OK(cibatch_client_list_jobs(c, NULL, &page, E));
    cibatch_job_list_free(page);
  }
  CHECK_EQ_INT(st.calls, 1, "asked once: the credentials are good for an hour");
  CHECK(strstr(log_text, "list jobs: GET /inventorytriggerjob -> HTTP 200") != NULL, "debug log of each request");
  CHECK(strstr(log_text, "credentials refreshed") != NULL, "info log of the refresh");
  CHECK(strstr(log_text, cibatch_emulator_secret_key(e)) == NULL && strstr(log_text, "sts-token") == NULL,
        "no secret in the log");
  CHECK_EQ_INT(cibatch_config_set_logger(cfg, collect_log, NULL, 9, NULL, &err), CIBATCH_INVALID_INPUT, "bad level");
  cibatch_error_free(err);
  cibatch_client_free(c);

  OK(cibatch_config_set_credentials_provider(cfg, refuse, NULL, NULL, E));
  OK(cibatch_client_new(cfg, &c, E));
  err = NULL;
  CHECK_EQ_INT(cibatch_client_list_jobs(c, NULL, &page, &err), CIBATCH_CREDENTIALS, "provider failed");
  cibatch_error_free(err);
  cibatch_client_free(c);
  cibatch_config_free(cfg);
  cibatch_emulator_free(e);
}

static void test_token(void) {
  cibatch_emulator *e = NULL;
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_job_list *page = NULL;
  OK(cibatch_emulator_start(0, "tok+en/=", 10, 10, &e, E));
  CHECK_EQ_STR(cibatch_emulator_session_token(e), "tok+en/=", "token getter");
  OK(cibatch_emulator_client_config(e, &cfg, E));
  OK(cibatch_config_set_user_agent(cfg, "c-tests/1.0", E));
  OK(cibatch_config_set_https(cfg, true, E));
  OK(cibatch_client_new(cfg, &c, E));
  OK(cibatch_client_list_jobs(c, NULL, &page, E));
  cibatch_job_list_free(page);
  cibatch_client_free(c);
  OK(cibatch_config_set_token(cfg, NULL, E));
  OK(cibatch_client_new(cfg, &c, E));
  {
    cibatch_error *err = NULL;
    CHECK_EQ_INT(cibatch_client_list_jobs(c, NULL, &page, &err), CIBATCH_SERVICE, "token required");
    cibatch_error_free(err);
  }
  cibatch_client_free(c);
  cibatch_config_free(cfg);
  cibatch_emulator_free(e);
}

#define THREADS 4
#define CALLS 10
static void *worker(void *arg) {
  int t = *(int *)arg, i, bad = 0;
  char name[32];
  for (i = 0; i < CALLS; i++) {
    cibatch_workflow_request *req = NULL;
    cibatch_job *job = NULL, *again = NULL;
    snprintf(name, sizeof name, "thread-%d-%d", t, i);
    if (cibatch_workflow_request_new(name, CIBATCH_INPUT_PREFIX, "p/", "w1", &req, NULL) != CIBATCH_OK) bad++;
    if (cibatch_client_create_workflow_job(client, req, &job, NULL) != CIBATCH_OK) bad++;
    if (cibatch_client_describe_job(client, cibatch_job_id(job), &again, NULL) != CIBATCH_OK) bad++;
    if (!again || strcmp(cibatch_job_name(again), name) != 0) bad++;
    cibatch_job_free(again);
    cibatch_job_free(job);
    cibatch_workflow_request_free(req);
  }
  *(int *)arg = bad;
  return NULL;
}

static void test_threads(void) {
  pthread_t th[THREADS];
  int args[THREADS], i;
  size_t before = cibatch_emulator_job_count(emu);
  for (i = 0; i < THREADS; i++) {
    args[i] = i;
    pthread_create(&th[i], NULL, worker, &args[i]);
  }
  for (i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK_EQ_INT(args[i], 0, "thread calls all succeeded");
  }
  CHECK_EQ_INT(cibatch_emulator_job_count(emu) - before, THREADS * CALLS, "every create landed once");
}

static void run_abi_checks(void) {
  struct fixture fx;
  memset(&fx, 0, sizeof fx);
  fx.emu = emu;
  fx.client = client;
  OK(cibatch_emulator_client_config(emu, &fx.config, E));
  OK(cibatch_workflow_request_new("n", CIBATCH_INPUT_PREFIX, "p", "w", &fx.wf_request, E));
  OK(cibatch_job_request_new("n", "Transcode", CIBATCH_INPUT_PREFIX, "p", &fx.job_request, E));
  OK(cibatch_list_options_new(&fx.options, E));
  OK(cibatch_client_pages(client, NULL, &fx.pager, E));
  OK(cibatch_client_list_jobs(client, NULL, &fx.list, E));
  OK(cibatch_cancel_new(&fx.cancel, E));
  OK(cibatch_result_options_new(&fx.result_options, E));
  OK(cibatch_emulator_add_objects(emu, "abi/", NULL, 2, E));
  OK(cibatch_client_create_workflow_job(client, fx.wf_request, &fx.batch_job, E));
  OK(cibatch_client_results(client, cibatch_job_id(fx.batch_job), NULL, &fx.results_pager, E));
  OK(cibatch_client_report(client, cibatch_job_id(fx.batch_job), 1, NULL, NULL, &fx.report, E));
  OK(cibatch_client_list_results(client, cibatch_job_id(fx.batch_job), "w", NULL, NULL, NULL, &fx.result_page, E));
  fx.job = cibatch_job_clone(cibatch_job_list_get(fx.list, 0));
  cibatch_client_describe_job(client, "b0", NULL, &fx.error);
  abi_checks(&fx);
  printf("ABI checks: %d calls over %d functions\n", abi_check_calls, abi_functions);
  cibatch_config_free(fx.config);
  cibatch_workflow_request_free(fx.wf_request);
  cibatch_job_request_free(fx.job_request);
  cibatch_list_options_free(fx.options);
  cibatch_pager_free(fx.pager);
  cibatch_job_list_free(fx.list);
  cibatch_job_free(fx.job);
  cibatch_error_free(fx.error);
  cibatch_cancel_free(fx.cancel);
  cibatch_result_options_free(fx.result_options);
  cibatch_results_pager_free(fx.results_pager);
  cibatch_report_free(fx.report);
  cibatch_result_page_free(fx.result_page);
  cibatch_job_free(fx.batch_job);
}

/* Right whatever the service does: both types in every job and in the pager, a repeated token ends paging, a
 * joined describe the service takes for one ID falls back to one describe per ID. */
static void test_fidelity(void) {
  cibatch_emulator *e = NULL;
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_workflow_request *wf_req = NULL;
  cibatch_job_request *job_req = NULL;
  cibatch_job *job = NULL;
  cibatch_job_iter *it = NULL;
  cibatch_job_list *page = NULL;
  cibatch_list_options *opts = NULL;
  cibatch_pager *pager = NULL;
  char ids[3][40];
  const char *id_ptrs[4];
  int i, n = 0, workflows = 0, pages = 0;
  cibatch_error *err = NULL;

  OK(cibatch_emulator_start(0, NULL, 3600000, 3600000, &e, E));
  OK(cibatch_emulator_set_switch(e, CIBATCH_SWITCH_LIST_DEFAULT_WORKFLOW, true, E));
  OK(cibatch_emulator_set_switch(e, CIBATCH_SWITCH_REPEAT_LAST_TOKEN, true, E));
  OK(cibatch_emulator_set_switch(e, CIBATCH_SWITCH_DESCRIBE_JOINED_AS_ONE_ID, true, E));
  CHECK_EQ_INT(cibatch_emulator_set_switch(e, 99, true, &err), CIBATCH_INVALID_INPUT, "unknown switch");
  cibatch_error_free(err);
  OK(cibatch_emulator_client_config(e, &cfg, E));
  OK(cibatch_client_new(cfg, &c, E));
  cibatch_config_free(cfg);
  OK(cibatch_workflow_request_new("fw", CIBATCH_INPUT_PREFIX, "p/", "w1", &wf_req, E));
  OK(cibatch_job_request_new("fj", "Transcode", CIBATCH_INPUT_PREFIX, "p/", &job_req, E));
  for (i = 0; i < 3; i++) {
    if (i == 1) {
      OK(cibatch_client_create_job(c, job_req, &job, E));
    } else {
      OK(cibatch_client_create_workflow_job(c, wf_req, &job, E));
    }
    snprintf(ids[i], sizeof ids[i], "%s", cibatch_job_id(job));
    id_ptrs[i] = ids[i];
    cibatch_job_free(job);
  }
  cibatch_workflow_request_free(wf_req);
  cibatch_job_request_free(job_req);

  /* Every job: both types, though the service lists only Workflow jobs without a type. */
  OK(cibatch_list_options_new(&opts, E));
  OK(cibatch_list_options_set_size(opts, 1, E));
  OK(cibatch_client_jobs(c, opts, true, &it, E));
  for (;;) {
    OK(cibatch_job_iter_next(it, &job, E));
    for (;;) {
      OK(cibatch_job_iter_take_page(it, &page, E));
      if (page == NULL) break;
      pages++;
      CHECK(cibatch_job_list_type(page) != NULL, "a page says its type");
      cibatch_job_list_free(page);
    }
    if (job == NULL) break;
    n++;
    if (strcmp(cibatch_job_type(job), "Workflow") == 0) workflows++;
    cibatch_job_free(job);
  }
  CHECK_EQ_INT(n, 3, "both types");
  CHECK_EQ_INT(workflows, 2, "two workflow jobs");
  CHECK_EQ_INT(pages, 3, "one page per job, the repeated token ends each type");
  CHECK_EQ_INT(cibatch_job_iter_pages_fetched(it), 3, "pages fetched");
  OK(cibatch_job_iter_next(it, &job, E));
  CHECK(job == NULL, "a finished iterator stays finished");
  cibatch_job_iter_free(it);

  /* Pages: Workflow pages, then Job pages. */
  OK(cibatch_list_options_set_size(opts, 2, E));
  OK(cibatch_client_pages(c, opts, &pager, E));
  OK(cibatch_pager_next(pager, &page, E));
  CHECK_EQ_STR(cibatch_job_list_type(page), "Workflow", "first page type");
  CHECK_EQ_INT(cibatch_job_list_count(page), 2, "first page");
  CHECK(cibatch_job_list_next_token(page) == NULL, "a repeated token reads as the end");
  cibatch_job_list_free(page);
  OK(cibatch_pager_next(pager, &page, E));
  CHECK_EQ_STR(cibatch_job_list_type(page), "Job", "second page type");
  cibatch_job_list_free(page);
  OK(cibatch_pager_next(pager, &page, E));
  CHECK(page == NULL, "the end");
  cibatch_pager_free(pager);
  OK(cibatch_client_list_jobs(c, opts, &page, E));
  CHECK(cibatch_job_list_type(page) == NULL, "one page without a type");
  cibatch_job_list_free(page);
  cibatch_list_options_free(opts);

  /* Describe: the joined IDs are one unknown ID to this service; each is described on its own. */
  id_ptrs[3] = "b00000000000000000000000000000000";
  OK(cibatch_client_describe_jobs(c, id_ptrs, 4, &page, E));
  CHECK_EQ_INT(cibatch_job_list_count(page), 3, "every real job found");
  CHECK_EQ_INT(cibatch_job_list_non_exist_count(page), 1, "one missing");
  CHECK_EQ_STR(cibatch_job_list_non_exist_get(page, 0), "b00000000000000000000000000000000", "the missing one");
  cibatch_job_list_free(page);

  cibatch_client_free(c);
  cibatch_emulator_free(e);
}

int main(void) {
  cibatch_config *cfg = NULL;
  test_version();
  test_signer();
  OK(cibatch_emulator_start(0, NULL, 50, 100, &emu, E));
  OK(cibatch_emulator_client_config(emu, &cfg, E));
  OK(cibatch_config_set_retries(cfg, 3, false, 1, 10, E));
  OK(cibatch_client_new(cfg, &client, E));
  cibatch_config_free(cfg);

  test_create();
  test_describe();
  test_list_and_paging();
  test_cancel();
  test_wait();
  test_error_kinds();
  test_reliability_options();
  test_token();
  test_provider_and_logger();
  test_threads();
  test_lifecycle(emu);
  test_create_outcome(emu);
  test_fidelity();
  test_results();
  run_abi_checks();

  cibatch_client_free(client);
  cibatch_emulator_free(emu);
  printf("%d passed, %d failed\n", checks_passed, checks_failed);
  return checks_failed == 0 ? 0 : 1;
}
