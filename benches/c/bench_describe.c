/* The C ABI end to end against the canned loopback server (CIBATCH_BENCH_PORT): the median time per describe beside
 * the raw keep-alive floor (a client that writes one fixed request and reads the answer by its length: no signing,
 * no parsing), in alternating rounds of the same process; then 10,000 calls and the process's peak memory.
 * Prints JSON lines.
 *
 *     bench_describe          describe and floor, then memory
 *     bench_describe floor    the floor alone (what the Python and Go rows are compared with) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cibatch.h"

#define ROUNDS 21
#define PER_ROUND 400
#define JOB "b3deffea2f84911ec9cb15254008618d9"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void describe(void *arg) {
  cibatch_client *client = arg;
  cibatch_job *job = NULL;
  cibatch_error *err = NULL;
  if (cibatch_client_describe_job(client, JOB, &job, &err) != CIBATCH_OK) {
    fprintf(stderr, "describe: %s\n", cibatch_error_message(err));
    exit(1);
  }
  if (!cibatch_job_state(job)) exit(1);
  cibatch_job_free(job);
}

/* The floor: one keep-alive connection, one fixed request, the answer read by its Content-Length. */
struct raw {
  int fd;
  char request[256];
  size_t request_len;
  char buf[64 << 10];
};

static void raw_open(struct raw *r, int port) {
  struct sockaddr_in addr;
  int one = 1;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (r->fd < 0 || connect(r->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("floor: connect");
    exit(1);
  }
  setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  r->request_len = (size_t)snprintf(r->request, sizeof r->request,
                                    "GET /inventorytriggerjob/" JOB " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                    "Authorization: x\r\n\r\n",
                                    port);
}

static void raw_call(void *arg) {
  struct raw *r = arg;
  size_t have = 0, need = 0;
  if (write(r->fd, r->request, r->request_len) != (ssize_t)r->request_len) exit(1);
  for (;;) {
    ssize_t n = read(r->fd, r->buf + have, sizeof r->buf - have);
    if (n <= 0) exit(1);
    have += (size_t)n;
    if (!need) {
      char *end;
      r->buf[have < sizeof r->buf ? have : sizeof r->buf - 1] = 0;
      end = strstr(r->buf, "\r\n\r\n");
      if (end) {
        const char *cl = strstr(r->buf, "Content-Length: ");
        if (!cl) exit(1);
        need = (size_t)(end + 4 - r->buf) + (size_t)atol(cl + 16);
      }
    }
    if (need && have >= need) return;
  }
}

/* Median nanoseconds per call of each variant, measured in alternating rounds. */
static void compare(void (*f[])(void *), void *args[], int n, double *medians) {
  double samples[2][ROUNDS];
  int r, v, i;
  for (r = 0; r < ROUNDS; r++) {
    for (v = 0; v < n; v++) {
      double start = now_ns();
      for (i = 0; i < PER_ROUND; i++) f[v](args[v]);
      samples[v][r] = (now_ns() - start) / PER_ROUND;
    }
  }
  for (v = 0; v < n; v++) {
    qsort(samples[v], ROUNDS, sizeof samples[v][0], cmp);
    medians[v] = samples[v][ROUNDS / 2];
  }
}

int main(int argc, char **argv) {
  char endpoint[64];
  cibatch_config *cfg = NULL;
  cibatch_client *client = NULL;
  static struct raw raw;
  struct rusage ru;
  double m[2];
  int i;
  const char *port = getenv("CIBATCH_BENCH_PORT");
  if (!port) return 2;
  raw_open(&raw, atoi(port));
  for (i = 0; i < 200; i++) raw_call(&raw);
  if (argc > 1 && strcmp(argv[1], "floor") == 0) {
    void (*f[])(void *) = {raw_call};
    void *args[] = {&raw};
    compare(f, args, 1, m);
    printf("{\"bench\": \"describe\", \"variant\": \"raw_floor_c\", \"median_ns\": %.1f}\n", m[0]);
    return 0;
  }
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%s", port);
  if (cibatch_config_new("examplebucket-1250000000", "ap-beijing", "AKIDbench", "benchkey", &cfg, NULL) ||
      cibatch_config_set_endpoint(cfg, endpoint, NULL) || cibatch_client_new(cfg, &client, NULL))
    return 1;
  cibatch_config_free(cfg);
  for (i = 0; i < 200; i++) describe(client);
  {
    void (*f[])(void *) = {describe, raw_call};
    void *args[] = {client, &raw};
    compare(f, args, 2, m);
  }
  printf("{\"bench\": \"describe\", \"variant\": \"c\", \"median_ns\": %.1f}\n", m[0]);
  printf("{\"bench\": \"describe\", \"variant\": \"raw_floor_c\", \"median_ns\": %.1f}\n", m[1]);
  for (i = 0; i < 10000; i++) describe(client);
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"bench\": \"c_peak_rss_10k_calls\", \"variant\": \"c\", \"kib\": %ld}\n", ru.ru_maxrss);
  cibatch_client_free(client);
  return 0;
}
