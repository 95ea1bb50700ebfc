/* See floor.h. */
#include "floor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct bench_floor {
  int fd;
  char request[256];
  size_t request_len;
  char buf[64 << 10];
};

struct bench_floor *bench_floor_open(int port) {
  struct sockaddr_in addr;
  int one = 1, i;
  struct bench_floor *r = calloc(1, sizeof *r);
  if (!r) exit(1);
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
                                    "GET /inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9 HTTP/1.1\r\n"
                                    "Host: 127.0.0.1:%d\r\nAuthorization: x\r\n\r\n",
                                    port);
  for (i = 0; i < 200; i++) bench_floor_call(r);
  return r;
}

void bench_floor_call(struct bench_floor *r) {
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
