/* Shared by the one-operation examples: a client from the environment, and dying with the error's message. */
#ifndef CIBATCH_EXAMPLE_COMMON_H
#define CIBATCH_EXAMPLE_COMMON_H
#include <stdio.h>
#include <stdlib.h>

#include "cibatch.h"

static inline void die(const char *what, cibatch_error *error) {
  fprintf(stderr, "%s: %s\n", what, cibatch_error_message(error));
  cibatch_error_free(error);
  exit(1);
}

/* CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT, TENCENTCLOUD_SECRET_ID/_SECRET_KEY/_SESSION_TOKEN. */
static inline cibatch_client *client_from_env(void) {
  cibatch_client *client = NULL;
  cibatch_error *error = NULL;
  if (cibatch_client_new_from_env(&client, &error) != CIBATCH_OK) die("configuration", error);
  return client;
}
#endif
