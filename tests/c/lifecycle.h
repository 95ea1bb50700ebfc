/* tests/c/test_lifecycle.c, run by test_cibatch.c's main. */
#ifndef CIBATCH_TEST_LIFECYCLE_H
#define CIBATCH_TEST_LIFECYCLE_H

#include "cibatch.h"

void test_lifecycle(cibatch_emulator *e);

#endif
