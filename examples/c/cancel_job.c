/* Cancel a job: cancel_job JOB_ID */
#include "common.h"

int main(int argc, char **argv) {
  cibatch_client *client;
  cibatch_error *error = NULL;
  if (argc != 2) return 2;
  client = client_from_env();
  if (cibatch_client_cancel_job(client, argv[1], &error) == CIBATCH_OK) {
    printf("cancelled %s\n", argv[1]);
  } else if (cibatch_error_result(error) == CIBATCH_SERVICE) {
    printf("refused: %s %s (request id %s)\n", cibatch_error_code(error), cibatch_error_service_message(error),
           cibatch_error_request_id(error));
    cibatch_error_free(error);
  } else {
    die("cancel job", error);
  }
  cibatch_client_free(client);
  return 0;
}
