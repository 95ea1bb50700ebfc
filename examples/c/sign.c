/* Sign a request made by another tool (the spec's first Python-SDK example). */
#include "common.h"

int main(void) {
  const char *names[] = {"Host"};
  const char *values[] = {"examplebucket-1250000000.ci.ap-beijing.myqcloud.com"};
  char *auth = NULL;
  cibatch_error *error = NULL;
  if (cibatch_sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9", NULL, NULL, 0, names, values, 1,
                   "AKIDtestSecretId1234567890abcdef", "testSecretKey1234567890abcdefghij", 1699999940, 1700010000,
                   &auth, &error))
    die("sign", error);
  printf("%s\n", auth);
  cibatch_string_free(auth);
  return 0;
}
