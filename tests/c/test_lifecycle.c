#define _POSIX_C_SOURCE 200809L
/* Lifecycle and callbacks from real C, under valgrind: closing or freeing a client while other threads are inside
 * calls on it, closing and freeing from inside a callback, cancellation tokens, callback user data released once
 * when nothing can call it any more, calls from inside the credentials provider, and the ranges of the numeric
 * setters. Nothing here waits for a race to be won: each step waits for the state it needs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cibatch.h"
#include "check.h"
#include "lifecycle.h"

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cibatch_client *new_client(cibatch_emulator *e) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  MUST(cibatch_config_set_retries(cfg, 2, false, 1, 5, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  cibatch_config_free(cfg);
  return c;
}

static char *new_job(cibatch_client *c, const char *name) {
  cibatch_workflow_request *req = NULL;
  cibatch_job *job = NULL;
  char *id;
  MUST(cibatch_workflow_request_new(name, CIBATCH_INPUT_PREFIX, "in/", "w1", &req, ERR));
  MUST(cibatch_client_create_workflow_job(c, req, &job, ERR));
  id = malloc(strlen(cibatch_job_id(job)) + 1);
  strcpy(id, cibatch_job_id(job));
  cibatch_job_free(job);
  cibatch_workflow_request_free(req);
  return id;
}

/* 1. Eight threads call in a loop while another thread closes the client: each ends with CIBATCH_CLOSED. */
#define CALLERS 8
#define ROUNDS 50
struct race {
  cibatch_client *client;
  const char *job_id;
  atomic_int started;
  int other_errors[CALLERS];
  int closed[CALLERS];
};
struct caller {
  struct race *race;
  int index;
};

static void *call_until_closed(void *arg) {
  struct caller *me = arg;
  struct race *r = me->race;
  int first = 1;
  for (;;) {
    cibatch_job *job = NULL;
    cibatch_error *err = NULL;
    cibatch_result res = cibatch_client_describe_job(r->client, r->job_id, &job, &err);
    cibatch_job_free(job);
    if (res == CIBATCH_CLOSED) {
      r->closed[me->index] = err != NULL && cibatch_error_result(err) == CIBATCH_CLOSED &&
                             strstr(cibatch_error_message(err), "closed") != NULL;
      cibatch_error_free(err);
      return NULL;
    }
    cibatch_error_free(err);
    if (res != CIBATCH_OK) r->other_errors[me->index]++;
    if (first) {
      atomic_fetch_add(&r->started, 1);
      first = 0;
    }
  }
}

static void test_close_while_calling(cibatch_emulator *e) {
  int round, i, bad_rounds = 0;
  cibatch_client *setup = new_client(e);
  char *id = new_job(setup, "close-race");
  cibatch_client_free(setup);
  for (round = 0; round < ROUNDS; round++) {
    struct race r;
    struct caller callers[CALLERS];
    pthread_t th[CALLERS];
    memset(&r, 0, sizeof r);
    r.client = new_client(e);
    r.job_id = id;
    atomic_init(&r.started, 0);
    for (i = 0; i < CALLERS; i++) {
      callers[i].race = &r;
      callers[i].index = i;
      pthread_create(&th[i], NULL, call_until_closed, &callers[i]);
    }
    while (atomic_load(&r.started) < CALLERS) pause_ms(1);
    cibatch_client_close(r.client);
    CHECK(cibatch_client_is_closed(r.client), "closed");
    for (i = 0; i < CALLERS; i++) pthread_join(th[i], NULL);
    for (i = 0; i < CALLERS; i++) {
      if (!r.closed[i] || r.other_errors[i]) bad_rounds++;
    }
    cibatch_client_free(r.client);
  }
  CHECK_EQ_INT(bad_rounds, 0, "every caller of every round ended with a clean CIBATCH_CLOSED");
  free(id);
}

/* 2. The client is freed while eight threads wait on it; their waits finish normally. */
struct waiter {
  cibatch_client *client;
  const char *job_id;
  atomic_int *polled;
  cibatch_result result;
  char state[16];
};

static bool count_first_poll(void *user_data, const cibatch_job *job, bool state_changed) {
  (void)job;
  if (state_changed && strcmp(cibatch_job_state(job), "Submitted") == 0) atomic_fetch_add((atomic_int *)user_data, 1);
  return true;
}

static void *wait_on(void *arg) {
  struct waiter *w = arg;
  cibatch_job *job = NULL;
  w->result = cibatch_client_wait_for_job(w->client, w->job_id, 60000, 20, 20, count_first_poll, w->polled, &job, NULL);
  if (job) snprintf(w->state, sizeof w->state, "%s", cibatch_job_state(job));
  cibatch_job_free(job);
  return NULL;
}

static void test_free_while_waiting(cibatch_emulator *e) {
  cibatch_client *c = new_client(e);
  char *id = new_job(c, "free-while-waiting");
  atomic_int polled;
  struct waiter w[CALLERS];
  pthread_t th[CALLERS];
  int i, ok = 0;
  atomic_init(&polled, 0);
  MUST(cibatch_emulator_set_job_state(e, id, "Submitted", ERR));
  for (i = 0; i < CALLERS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].client = c;
    w[i].job_id = id;
    w[i].polled = &polled;
    pthread_create(&th[i], NULL, wait_on, &w[i]);
  }
  while (atomic_load(&polled) < CALLERS) pause_ms(1);
  cibatch_client_free(c); /* every thread is inside cibatch_client_wait_for_job */
  MUST(cibatch_emulator_set_job_state(e, id, "Success", ERR));
  for (i = 0; i < CALLERS; i++) {
    pthread_join(th[i], NULL);
    ok += w[i].result == CIBATCH_OK && strcmp(w[i].state, "Success") == 0;
  }
  CHECK_EQ_INT(ok, CALLERS, "waits on a freed client finish normally");
  free(id);
}

/* 3. Closing, and freeing, from inside a wait callback: the wait goes on; later calls see CIBATCH_CLOSED. */
struct in_callback {
  cibatch_client *client;
  cibatch_emulator *emu;
  const char *job_id;
  int free_it;
  int polls;
};

static bool close_inside(void *user_data, const cibatch_job *job, bool state_changed) {
  struct in_callback *st = user_data;
  (void)job;
  (void)state_changed;
  if (st->polls++ == 0) {
    if (st->free_it) {
      cibatch_client_free(st->client);
    } else {
      cibatch_client_close(st->client);
    }
    cibatch_emulator_set_job_state(st->emu, st->job_id, "Success", NULL);
  }
  return true;
}

static void test_close_from_a_callback(cibatch_emulator *e) {
  int free_it;
  for (free_it = 0; free_it < 2; free_it++) {
    struct in_callback st;
    cibatch_job *job = NULL;
    cibatch_error *err = NULL;
    char *id;
    memset(&st, 0, sizeof st);
    st.client = new_client(e);
    st.emu = e;
    st.free_it = free_it;
    id = new_job(st.client, "close-inside");
    st.job_id = id;
    MUST(cibatch_emulator_set_job_state(e, id, "Running", ERR));
    CHECK_EQ_INT(cibatch_client_wait_for_job(st.client, id, 60000, 20, 20, close_inside, &st, &job, &err), CIBATCH_OK,
                 free_it ? "a wait goes on after its callback freed the client"
                         : "a wait goes on after its callback closed the client");
    CHECK(job != NULL && strcmp(cibatch_job_state(job), "Success") == 0, "and ends with the terminal job");
    cibatch_job_free(job);
    cibatch_error_free(err);
    if (!free_it) {
      err = NULL;
      job = NULL;
      CHECK_EQ_INT(cibatch_client_describe_job(st.client, id, &job, &err), CIBATCH_CLOSED, "a call after close");
      CHECK_EQ_STR(cibatch_result_name(cibatch_error_result(err)), "CIBATCH_CLOSED", "named");
      cibatch_error_free(err);
      cibatch_client_free(st.client);
    }
    free(id);
  }
}

/* 4. Cancellation tokens. */
struct firing {
  cibatch_emulator *emu;
  cibatch_cancel *cancel;
  uint64_t requests_before;
};

static void *fire_when_sent(void *arg) {
  struct firing *f = arg;
  while (cibatch_emulator_request_count(f->emu) == f->requests_before) pause_ms(1);
  cibatch_cancel_fire(f->cancel);
  return NULL;
}

static bool fire_inside(void *user_data, const cibatch_job *job, bool state_changed) {
  (void)job;
  (void)state_changed;
  cibatch_cancel_fire((const cibatch_cancel *)user_data);
  return true;
}

static void test_cancel_tokens(cibatch_emulator *e) {
  cibatch_client *c = new_client(e), *bounded = NULL;
  cibatch_cancel *cancel = NULL;
  cibatch_job *job = NULL;
  cibatch_error *err = NULL;
  struct firing f;
  pthread_t th;
  double started;
  char *id = new_job(c, "cancel-me");

  /* A request in flight (the emulator holds its answer for 30 s) is abandoned when the token fires. */
  MUST(cibatch_cancel_new(&cancel, ERR));
  MUST(cibatch_client_with_cancel(c, cancel, 0, &bounded, ERR));
  f.emu = e;
  f.cancel = cancel;
  f.requests_before = cibatch_emulator_request_count(e);
  MUST(cibatch_emulator_inject_delay(e, 30000, 1, ERR));
  pthread_create(&th, NULL, fire_when_sent, &f);
  started = now_s();
  CHECK_EQ_INT(cibatch_client_describe_job(bounded, id, &job, &err), CIBATCH_CANCELLED, "in flight: cancelled");
  CHECK(now_s() - started < 10.0, "promptly, not after the 30 s delay");
  CHECK(cibatch_cancel_is_fired(cancel), "fired");
  pthread_join(th, NULL);
  cibatch_error_free(err);
  cibatch_emulator_clear_faults(e);

  /* A call on a client whose token already fired sends nothing. */
  f.requests_before = cibatch_emulator_request_count(e);
  err = NULL;
  CHECK_EQ_INT(cibatch_client_describe_job(bounded, id, &job, &err), CIBATCH_CANCELLED, "fired before: cancelled");
  CHECK_EQ_INT(cibatch_error_attempts(err), 0, "no attempt");
  CHECK(cibatch_emulator_request_count(e) == f.requests_before, "nothing sent");
  cibatch_error_free(err);
  cibatch_client_free(bounded);
  cibatch_cancel_free(cancel);

  /* Fired from inside the wait callback: the 60 s poll interval ends at once. */
  MUST(cibatch_emulator_set_job_state(e, id, "Running", ERR));
  /* The caller's token may be freed while a client made with it lives: the client keeps what it needs. */
  MUST(cibatch_cancel_new(&cancel, ERR));
  MUST(cibatch_client_with_cancel(c, cancel, 0, &bounded, ERR));
  cibatch_cancel_free(cancel);
  MUST(cibatch_client_describe_job(bounded, id, &job, ERR));
  cibatch_job_free(job);
  job = NULL;
  cibatch_client_free(bounded);
  MUST(cibatch_cancel_new(&cancel, ERR));
  MUST(cibatch_client_with_cancel(c, cancel, 60000, &bounded, ERR));
  err = NULL;
  started = now_s();
  CHECK_EQ_INT(cibatch_client_wait_for_job(bounded, id, 600000, 60000, 60000, fire_inside, cancel, &job, &err),
               CIBATCH_CANCELLED, "a wait cancelled from its callback");
  CHECK(now_s() - started < 10.0, "ends at once, not after the poll interval");
  CHECK(strstr(cibatch_error_message(err), "was Running") != NULL, "says where it stopped");
  cibatch_error_free(err);
  cibatch_client_free(bounded);
  cibatch_cancel_free(cancel);

  /* A closed client makes no derived clients. */
  cibatch_client_close(c);
  err = NULL;
  CHECK_EQ_INT(cibatch_client_with_timeout(c, 1000, &bounded, &err), CIBATCH_CLOSED, "no derived client once closed");
  cibatch_error_free(err);
  cibatch_client_free(c);
  free(id);
}

/* 5. User data is released once, when no configuration, client or pager can call the callback any more. */
static atomic_int released;
static void count_release(void *user_data) {
  (void)user_data;
  atomic_fetch_add(&released, 1);
}
static void quiet_log(void *user_data, cibatch_log_level level, const char *message) {
  (void)user_data;
  (void)level;
  (void)message;
}
struct keys {
  cibatch_emulator *emu;
  cibatch_client *self;
  cibatch_result inner;
};
static bool provide_keys(void *user_data, cibatch_credentials *out) {
  struct keys *k = user_data;
  if (k->self) {
    /* A call on the client whose credentials are being fetched: refused at once, not a deadlock. */
    cibatch_job_list *page = NULL;
    k->inner = cibatch_client_list_jobs(k->self, NULL, &page, NULL);
    cibatch_job_list_free(page);
  }
  return cibatch_credentials_set(out, cibatch_emulator_secret_id(k->emu), cibatch_emulator_secret_key(k->emu), NULL,
                                 0, NULL) == CIBATCH_OK;
}

static void test_release_and_reentry(cibatch_emulator *e) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_pager *pager = NULL;
  cibatch_job_list *page = NULL;
  struct keys k;
  k.emu = e;
  k.self = NULL;
  k.inner = CIBATCH_OK;
  atomic_init(&released, 0);
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  MUST(cibatch_config_set_logger(cfg, quiet_log, NULL, CIBATCH_LOG_DEBUG, count_release, ERR));
  MUST(cibatch_config_set_logger(cfg, quiet_log, NULL, CIBATCH_LOG_DEBUG, count_release, ERR));
  CHECK_EQ_INT(atomic_load(&released), 1, "replacing a logger releases the old one");
  MUST(cibatch_config_set_credentials_provider(cfg, provide_keys, &k, count_release, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  k.self = c;
  MUST(cibatch_client_pages(c, NULL, &pager, ERR));
  cibatch_config_free(cfg);
  cibatch_client_free(c);
  CHECK_EQ_INT(atomic_load(&released), 1, "the pager still holds the logger and the provider");
  k.self = NULL;
  MUST(cibatch_pager_next(pager, &page, ERR));
  cibatch_job_list_free(page);
  cibatch_pager_free(pager);
  CHECK_EQ_INT(atomic_load(&released), 3, "released once each when the last holder went");

  /* A call made from inside the provider on the same client fails at once; the outer call succeeds. */
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  MUST(cibatch_config_set_credentials_provider(cfg, provide_keys, &k, NULL, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  cibatch_config_free(cfg);
  k.self = c;
  MUST(cibatch_client_list_jobs(c, NULL, &page, ERR));
  cibatch_job_list_free(page);
  CHECK_EQ_INT(k.inner, CIBATCH_CREDENTIALS, "a call from inside the provider on the same client is refused");
  cibatch_client_free(c);
}

/* 6. Every numeric setter checks its range. */
/* `expr` reports into the macro's own `err`. */
#define REFUSED(expr, argument, what)                           \
  do {                                                          \
    cibatch_error *err = NULL;                                  \
    cibatch_result r_ = (expr);                                 \
    CHECK_EQ_INT(r_, CIBATCH_INVALID_INPUT, what);              \
    CHECK_EQ_STR(cibatch_error_argument(err), argument, what);  \
    cibatch_error_free(err);                                    \
  } while (0)

static void test_setter_ranges(cibatch_emulator *e) {
  cibatch_config *cfg = NULL;
  cibatch_client *c = NULL;
  cibatch_job *job = NULL;
  char ua[600];
  MUST(cibatch_emulator_client_config(e, &cfg, ERR));
  REFUSED(cibatch_config_set_max_xml_depth(cfg, UINT32_MAX, &err), "max_depth", "depth UINT32_MAX");
  REFUSED(cibatch_config_set_max_xml_depth(cfg, 257, &err), "max_depth", "depth 257");
  REFUSED(cibatch_config_set_max_response_bytes(cfg, 0, &err), "max_bytes", "response 0");
  REFUSED(cibatch_config_set_max_response_bytes(cfg, (1ULL << 30) + 1, &err), "max_bytes", "response > 1 GiB");
  REFUSED(cibatch_config_set_retries(cfg, UINT32_MAX, false, 0, 0, &err), "max_attempts", "retries UINT32_MAX");
  REFUSED(cibatch_config_set_retries(cfg, 3, false, UINT64_MAX, 0, &err), "base_ms", "backoff UINT64_MAX");
  REFUSED(cibatch_config_set_clock_offset(cfg, INT64_MIN, &err), "clock_offset", "offset INT64_MIN");
  REFUSED(cibatch_config_set_clock_offset(cfg, 86401, &err), "clock_offset", "offset a day and a second");
  REFUSED(cibatch_config_set_timeouts(cfg, UINT64_MAX, 0, 0, &err), "total_ms", "timeout UINT64_MAX");
  REFUSED(cibatch_config_set_timeouts(cfg, 0, 86400001, 0, &err), "connect_ms", "connect past a day");
  memset(ua, 'u', sizeof ua - 1);
  ua[sizeof ua - 1] = 0;
  REFUSED(cibatch_config_set_user_agent(cfg, ua, &err), "user_agent", "user agent of 599 bytes");
  MUST(cibatch_config_set_max_xml_depth(cfg, 256, ERR));
  MUST(cibatch_config_set_max_response_bytes(cfg, 1ULL << 30, ERR));
  MUST(cibatch_config_set_retries(cfg, 10, false, 0, 0, ERR));
  MUST(cibatch_config_set_clock_offset(cfg, -86400, ERR));
  MUST(cibatch_config_set_timeouts(cfg, 86400000, 0, 0, ERR));
  MUST(cibatch_client_new(cfg, &c, ERR));
  REFUSED(cibatch_client_wait_for_job(c, "b1", UINT64_MAX, 0, 0, NULL, NULL, &job, &err), "max_wait_ms",
          "wait UINT64_MAX");
  cibatch_client_free(c);
  cibatch_config_free(cfg);
}

/* 7. A wait ends by its own deadline even when every poll stalls (each poll used to take 3 attempts x 60 s). */
static void test_wait_deadline(cibatch_emulator *e) {
  cibatch_client *c = new_client(e);
  char *id = new_job(c, "stalled-wait");
  cibatch_job *job = NULL;
  cibatch_error *err = NULL;
  double started;
  MUST(cibatch_emulator_inject_delay(e, 20000, 10, ERR));
  started = now_s();
  CHECK_EQ_INT(cibatch_client_wait_for_job(c, id, 300, 20, 20, NULL, NULL, &job, &err), CIBATCH_WAIT_TIMEOUT,
               "a stalled wait times out");
  CHECK(now_s() - started < 10.0, "by its own deadline, not after the polls' timeouts");
  cibatch_error_free(err);
  cibatch_emulator_clear_faults(e);
  cibatch_client_free(c);
  free(id);
}

void test_lifecycle(cibatch_emulator *e) {
  test_wait_deadline(e);
  test_setter_ranges(e);
  test_release_and_reentry(e);
  test_cancel_tokens(e);
  test_close_from_a_callback(e);
  test_free_while_waiting(e);
  test_close_while_calling(e);
}
