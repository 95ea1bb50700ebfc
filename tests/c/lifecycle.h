/* Suites in files of their own, run by test_cibatch.c's main. */
#ifndef CIBATCH_TEST_LIFECYCLE_H
#define CIBATCH_TEST_LIFECYCLE_H

#include "cibatch.h"

void test_lifecycle(cibatch_emulator *e);
/* tests/c/test_create_outcome.c */
void test_create_outcome(cibatch_emulator *e);
/* tests/c/test_results.c */
void test_results(void);

#endif
