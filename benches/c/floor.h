/* The raw keep-alive floor of the describe benchmarks: one connection, one fixed request, the answer read by its
 * Content-Length; no signing, no parsing, no checks. Every benchmark measures it in its own process, in rounds
 * alternating with the clients it compares (the C program links floor.c; Python loads it as libfloor.so; Go
 * compiles it with cgo), so that a client and its floor share the process's placement on the CPUs. */
#ifndef CIBATCH_BENCH_FLOOR_H
#define CIBATCH_BENCH_FLOOR_H

struct bench_floor;

/* Connects to the canned server on 127.0.0.1:port and warms the connection up; exits the process on failure. */
struct bench_floor *bench_floor_open(int port);

/* One request and its whole answer; exits the process on failure. */
void bench_floor_call(struct bench_floor *floor);

#endif
