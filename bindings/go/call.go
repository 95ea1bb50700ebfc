package cibatch

/*
#include <pthread.h>
#include <stdint.h>
#include "cibatch.h"

static uintptr_t cibatch_go_thread(void) { return (uintptr_t)pthread_self(); }

extern void cibatchGoRelease(uintptr_t handle);

// The library releases a callback's user data (a cgo.Handle) when nothing can call the callback any more.
static void cibatch_go_release(void *user_data) { cibatchGoRelease((uintptr_t)user_data); }

static cibatch_release_callback cibatch_go_releaser(void) { return cibatch_go_release; }
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

//export cibatchGoRelease
func cibatchGoRelease(handle C.uintptr_t) { cgo.Handle(handle).Delete() }

// recovered is what a user callback did instead of returning: a panic's value, or runtime.Goexit.
type recovered struct {
	value  any
	goexit bool
}

// raise repeats it on the calling goroutine.
func (r *recovered) raise() {
	if r.goexit {
		runtime.Goexit()
	}
	panic(r.value)
}

// runUser runs user code called back from C. It runs on a goroutine of its own so that neither a panic nor
// runtime.Goexit can unwind through the library's frames; what happened is returned, to be raised again on the
// goroutine that made the call once the library has returned.
func runUser(f func()) *recovered {
	done := make(chan *recovered, 1)
	go func() {
		returned := false
		defer func() {
			if returned {
				done <- nil
			} else if r := recover(); r != nil {
				done <- &recovered{value: r}
			} else {
				done <- &recovered{goexit: true}
			}
		}()
		f()
		returned = true
	}()
	return <-done
}

// callbacks routes what the Logger and the CredentialsProvider did to the call that made them run. The library calls
// them on the thread of the call that needs them, so a call pins its goroutine to its thread and registers there.
type callbacks struct {
	mu sync.Mutex
	// The calls in progress, innermost last, by thread (a callback may itself make a call).
	calls map[uintptr][]*callScope
	// A provider failure on a thread with no call: a call with a deadline runs its provider on a helper thread.
	orphan *recovered
	// The goroutine running the CredentialsProvider (0: none). User code runs on a goroutine of its own (runUser), so
	// the library cannot tell by thread that a call comes from inside the provider: this tells it instead.
	providerGoroutine atomic.Int64
}

var errInsideProvider = &Error{Kind: KindCredentials, Message: "cibatch: a call made from inside the " +
	"CredentialsProvider needs the credentials that provider is fetching; make that call with another client"}

// refuseInsideProvider is errInsideProvider for a call made by the goroutine running this client's provider.
func (cb *callbacks) refuseInsideProvider() error {
	if cb != nil {
		if g := cb.providerGoroutine.Load(); g != 0 && g == goroutineID() {
			return errInsideProvider
		}
	}
	return nil
}

// goroutineID is the running goroutine's number, from the first line of its stack ("goroutine 7 [running]:").
func goroutineID() int64 {
	var buf [64]byte
	line := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	if i := strings.IndexByte(line, ' '); i > 0 {
		id, _ := strconv.ParseInt(line[:i], 10, 64)
		return id
	}
	return 0
}

type callScope struct {
	cb     *callbacks
	thread uintptr
	caught *recovered
}

// enter registers a call made on this goroutine; nil when the client has no Go callbacks.
func (cb *callbacks) enter() *callScope {
	if cb == nil {
		return nil
	}
	runtime.LockOSThread()
	s := &callScope{cb: cb, thread: uintptr(C.cibatch_go_thread())}
	cb.mu.Lock()
	if cb.calls == nil {
		cb.calls = map[uintptr][]*callScope{}
	}
	cb.calls[s.thread] = append(cb.calls[s.thread], s)
	cb.mu.Unlock()
	return s
}

// exit ends the call and raises on its goroutine what a callback did during it. failedCredentials says the call
// failed for want of credentials: then a provider failure caught on a helper thread is this call's to raise.
func (s *callScope) exit(failedCredentials bool) {
	if s == nil {
		return
	}
	cb := s.cb
	cb.mu.Lock()
	stack := cb.calls[s.thread]
	if n := len(stack); n > 0 {
		stack = stack[:n-1]
	}
	if len(stack) == 0 {
		delete(cb.calls, s.thread)
	} else {
		cb.calls[s.thread] = stack
	}
	caught := s.caught
	if caught == nil && failedCredentials {
		caught, cb.orphan = cb.orphan, nil
	}
	cb.mu.Unlock()
	runtime.UnlockOSThread()
	if caught != nil {
		caught.raise()
	}
}

// record keeps what a callback did for the innermost call on this thread (the first thing only).
func (cb *callbacks) record(r *recovered) {
	thread := uintptr(C.cibatch_go_thread())
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if stack := cb.calls[thread]; len(stack) > 0 {
		if top := stack[len(stack)-1]; top.caught == nil {
			top.caught = r
		}
	} else if cb.orphan == nil {
		cb.orphan = r
	}
}

// derive makes a handle whose calls stop when ctx ends: a cancellation token fired by ctx.Done(), and ctx's deadline.
// release waits for a firing in progress, then frees both.
func derive(ptr *C.cibatch_client, ctx context.Context, left time.Duration) (*C.cibatch_client, func(), error) {
	var token *C.cibatch_cancel
	var cerr *C.cibatch_error
	if err := check(C.cibatch_cancel_new(&token, &cerr), cerr); err != nil {
		return nil, nil, err
	}
	timeout := C.uint64_t(0) // the library accepts deadlines of up to a day; a farther one is the token's to enforce
	if left > 0 && left <= 24*time.Hour {
		timeout = millis(left)
	}
	var derived *C.cibatch_client
	if err := check(C.cibatch_client_with_cancel(ptr, token, timeout, &derived, &cerr), cerr); err != nil {
		C.cibatch_cancel_free(token)
		return nil, nil, err
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		// A deadline the library was given ends the call as a timeout; cancellation (or a deadline too far off to
		// give) fires the token.
		if ctx.Err() != context.DeadlineExceeded || timeout == 0 {
			C.cibatch_cancel_fire(token)
		}
		close(fired)
	})
	release := func() {
		if !stop() {
			<-fired
		}
		C.cibatch_client_free(derived)
		C.cibatch_cancel_free(token)
	}
	return derived, release, nil
}

// releaser is the library's callback that deletes a cgo.Handle given as user data.
func releaser() C.cibatch_release_callback { return C.cibatch_go_releaser() }
