#define _POSIX_C_SOURCE 200112L
/* The panic boundary at run time. Built against a library variant with the `test-hooks` feature, where the
 * environment variable CIBATCH_TEST_PANIC makes every export panic inside its boundary: a fallible export must
 * return CIBATCH_PANIC with an error object, a getter its fallback, and the process must live on and work.
 * With the argument "shipped" it runs against the release library instead, where the variable must do nothing. */
#include <stdlib.h>
#include <string.h>

#include "cibatch.h"
#include "check.h"

int checks_passed = 0;
int checks_failed = 0;

static cibatch_result new_config(cibatch_config **cfg, cibatch_error **err) {
  return cibatch_config_new("examplebucket-1250000000", "ap-beijing", "AKIDtest", "key", cfg, err);
}

int main(int argc, char **argv) {
  int shipped = argc > 1 && strcmp(argv[1], "shipped") == 0;
  cibatch_config *cfg = NULL;
  cibatch_error *err = NULL;

  setenv("CIBATCH_TEST_PANIC", "1", 1);
  cibatch_result r = new_config(&cfg, &err);
  const char *version = cibatch_version();
  unsetenv("CIBATCH_TEST_PANIC");

  if (shipped) {
    CHECK_EQ_INT(r, CIBATCH_OK, "the shipped library has no fault hook");
    CHECK_EQ_STR(version, CIBATCH_VERSION, "the shipped library has no fault hook (getter)");
    cibatch_config_free(cfg);
  } else {
    CHECK_EQ_INT(r, CIBATCH_PANIC, "a panic in a fallible export is CIBATCH_PANIC");
    CHECK(cfg == NULL, "the out-parameter is not written");
    CHECK(err != NULL, "an error object is given");
    CHECK_EQ_INT(cibatch_error_result(err), CIBATCH_PANIC, "the error object says CIBATCH_PANIC");
    CHECK(strstr(cibatch_error_message(err), "panic") != NULL, "its message says a panic was caught");
    CHECK_EQ_STR(cibatch_result_name(CIBATCH_PANIC), "CIBATCH_PANIC", "the code has its name");
    cibatch_error_free(err);
    CHECK(version == NULL, "a panic in a getter gives its fallback (NULL)");
  }

  /* The process lives on, and the library works. */
  err = NULL;
  cfg = NULL;
  CHECK_EQ_INT(new_config(&cfg, &err), CIBATCH_OK, "after the panic, calls work");
  CHECK_EQ_STR(cibatch_version(), CIBATCH_VERSION, "after the panic, getters work");
  cibatch_config_free(cfg);

  printf("panic boundary (%s library): %d passed, %d failed\n", shipped ? "shipped" : "test-hooks", checks_passed,
         checks_failed);
  return checks_failed == 0 ? 0 : 1;
}
