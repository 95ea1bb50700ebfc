package main

// The raw floor (benches/c/floor.c) compiled into this program, so that it is measured in the same process and in
// the same alternating rounds as the Go clients.

// #cgo CFLAGS: -O2 -I${SRCDIR}/../c
// #include "floor.c"
import "C"

type rawFloor struct{ f *C.struct_bench_floor }

func openFloor(port int) rawFloor { return rawFloor{C.bench_floor_open(C.int(port))} }

func (r rawFloor) call() { C.bench_floor_call(r.f) }
