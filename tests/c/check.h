/* A minimal test harness: counts checks, prints failures, ends with "N passed, N failed". */
#ifndef CIBATCH_TEST_CHECK_H
#define CIBATCH_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cibatch.h"

extern int checks_passed;
extern int checks_failed;

/* Not valid UTF-8: a lone continuation byte. */
#define BAD_UTF8 "bad\x80utf8"

#define CHECK(cond, what)                                                   \
  do {                                                                      \
    if (cond) {                                                             \
      checks_passed++;                                                      \
    } else {                                                                \
      checks_failed++;                                                      \
      fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
    }                                                                       \
  } while (0)

#define CHECK_EQ_INT(got, want, what)                                                     \
  do {                                                                                    \
    long long g_ = (long long)(got), w_ = (long long)(want);                              \
    if (g_ == w_) {                                                                       \
      checks_passed++;                                                                    \
    } else {                                                                              \
      checks_failed++;                                                                    \
      fprintf(stderr, "FAIL %s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, what, g_, w_); \
    }                                                                                     \
  } while (0)

#define CHECK_EQ_STR(got, want, what)                                                             \
  do {                                                                                            \
    const char *g_ = (got), *w_ = (want);                                                         \
    if (g_ && w_ && strcmp(g_, w_) == 0) {                                                        \
      checks_passed++;                                                                            \
    } else {                                                                                      \
      checks_failed++;                                                                            \
      fprintf(stderr, "FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, what,       \
              g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                             \
    }                                                                                             \
  } while (0)

/* Runs a call that must succeed, passing it an error slot as ERR; on failure prints its error and exits. */
#define MUST(call_with_err)                                                              \
  do {                                                                                   \
    cibatch_error *err_ = NULL;                                                          \
    cibatch_result r_ = call_with_err;                                                   \
    if (r_ != CIBATCH_OK) {                                                              \
      fprintf(stderr, "FATAL %s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call_with_err, \
              cibatch_result_name(r_), cibatch_error_message(err_));                     \
      cibatch_error_free(err_);                                                          \
      exit(2);                                                                           \
    }                                                                                    \
  } while (0)
#define ERR (&err_)

#endif
