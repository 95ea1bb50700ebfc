package cibatch

/*
#include <stdbool.h>
#include <stdint.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"log/slog"
	"runtime/cgo"
	"time"
)

// waitState travels to the C wait callback as a cgo.Handle: C never holds a Go pointer.
type waitState struct {
	ctx     context.Context
	onState func(Job)
	caught  *recovered
}

//export cibatchGoWaitCallback
func cibatchGoWaitCallback(handle C.uintptr_t, job *C.cibatch_job, changed C.bool) C.bool {
	st := cgo.Handle(handle).Value().(*waitState)
	if st.caught != nil {
		return false
	}
	if bool(changed) && st.onState != nil {
		j := jobFrom(job)
		if st.caught = runUser(func() { st.onState(j) }); st.caught != nil {
			return false
		}
	}
	return C.bool(st.ctx.Err() == nil)
}

// providerState and logState travel to C as cgo.Handles, like waitState; the library deletes them when nothing
// can call them any more.
type providerState struct {
	provide func() (Credentials, error)
	logger  *slog.Logger
	cb      *callbacks
}

type logState struct {
	logger *slog.Logger
	cb     *callbacks
}

//export cibatchGoCredentials
func cibatchGoCredentials(handle C.uintptr_t, out *C.cibatch_credentials) C.bool {
	st := cgo.Handle(handle).Value().(*providerState)
	var creds Credentials
	var err error
	caught := runUser(func() {
		st.cb.providerGoroutine.Store(goroutineID())
		defer st.cb.providerGoroutine.Store(0)
		creds, err = st.provide()
	})
	if caught != nil {
		st.cb.record(caught)
		return false
	}
	if err != nil {
		st.logger.Warn("cibatch: the credentials provider failed", "error", err)
		return false
	}
	var cs cStrings
	defer cs.free()
	id, key, token := cs.str("credentials", creds.SecretID), cs.str("credentials", creds.SecretKey),
		cs.opt("credentials", creds.Token)
	if cs.err != nil {
		st.logger.Warn("cibatch: credentials refused", "error", cs.err)
		return false
	}
	var expires int64
	if !creds.Expires.IsZero() {
		expires = creds.Expires.Unix()
	}
	var cerr *C.cibatch_error
	if err := check(C.cibatch_credentials_set(out, id, key, token, C.int64_t(expires), &cerr), cerr); err != nil {
		st.logger.Warn("cibatch: credentials refused", "error", err)
		return false
	}
	return true
}

//export cibatchGoLog
func cibatchGoLog(handle C.uintptr_t, level C.int, message *C.char) {
	st := cgo.Handle(handle).Value().(*logState)
	lvl := slog.LevelDebug
	switch level {
	case C.CIBATCH_LOG_ERROR:
		lvl = slog.LevelError
	case C.CIBATCH_LOG_WARN:
		lvl = slog.LevelWarn
	case C.CIBATCH_LOG_INFO:
		lvl = slog.LevelInfo
	}
	text := C.GoString(message)
	if caught := runUser(func() { st.logger.Log(context.Background(), lvl, text) }); caught != nil {
		st.cb.record(caught)
	}
}

// Credentials are temporary credentials from a CredentialsProvider. Expires zero means they do not expire.
type Credentials struct {
	SecretID, SecretKey, Token string
	Expires                    time.Time
}
