// Package cibatch is a client for Tencent Cloud Cloud Infinite batch data-processing jobs ("inventory
// trigger jobs"): create (Workflow and Job types), describe, list, cancel and wait, plus the COS request
// signer and a local emulator of the service for tests.
//
// It is a thin cgo layer over libcibatch, the Rust core, linked statically. The released module carries the
// header and a prebuilt static library per platform (include/, build/<GOOS>-<GOARCH>/; linux-amd64 is the one
// built today), so `go get` needs no Rust toolchain. Inside the repository, build the library with
// `cargo build --release` at the root, then `go build` as usual. A built Go binary needs no shared library at run
// time, and it refuses to start if the library it linked is not the one this package was built with (see
// libcheck.go).
//
// A Client is safe for concurrent use by many goroutines and should be shared. Every call takes a
// context.Context: its deadline bounds the whole call, retries and waits included; WaitForJob and AllJobs also
// stop when it is cancelled.
package cibatch

/*
#cgo CFLAGS: -I${SRCDIR}/include
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo linux,amd64 LDFLAGS: -L${SRCDIR}/build/linux-amd64
#cgo linux,arm64 LDFLAGS: -L${SRCDIR}/build/linux-arm64
#cgo LDFLAGS: -L${SRCDIR}/../../target/release
#cgo LDFLAGS: -l:libcibatch.a -ldl -lm -lpthread
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Version is the version of the linked libcibatch.
func Version() string { return C.GoString(C.cibatch_version()) }

// millis converts a duration to whole milliseconds, at least 1 for a positive duration, 0 for none.
func millis(d time.Duration) C.uint64_t {
	if d <= 0 {
		return 0
	}
	ms := d.Milliseconds()
	if ms == 0 {
		ms = 1
	}
	return C.uint64_t(ms)
}

// timeArg is a time for the library: the string as given (the library reads +0800, +08:00 and Z and sends +hhmm),
// or t in the documented form.
func timeArg(name, s string, t time.Time) (string, error) {
	if t.IsZero() {
		return s, nil
	}
	if s != "" {
		return "", &Error{Kind: KindInvalidArgument, Argument: name,
			Message: "invalid argument `" + name + "`: set the string or the time.Time form, not both"}
	}
	return t.Format("2006-01-02T15:04:05-0700"), nil
}

// withContext returns ctx's error if it is already done, else the time left before its deadline (0: none).
func withContext(ctx context.Context) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return 0, context.DeadlineExceeded
		}
		return left, nil
	}
	return 0, nil
}

// ctxError adds ctx's error to err when the context ended during the call, so that both
// errors.Is(err, context.DeadlineExceeded) and errors.As(err, &cibatchErr) work.
func ctxError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cerr := ctx.Err()
	// The library stops at the context's deadline, which it was given in whole milliseconds: a timeout that
	// close to the deadline is the context's, even if the Go clock has not quite reached it.
	if dl, ok := ctx.Deadline(); ok && cerr == nil && errors.Is(err, ErrTimeout) && time.Until(dl) < 20*time.Millisecond {
		cerr = context.DeadlineExceeded
	}
	if cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}
