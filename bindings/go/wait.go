package cibatch

/*
#include <stdint.h>
#include "cibatch.h"

extern bool cibatchGoWaitCallback(uintptr_t handle, cibatch_job *job, bool state_changed);

// The library's callback takes void* user data and a const job; cgo exports take neither, so the user data is
// a cgo.Handle (an integer, not a Go pointer) carried through void*.
static bool cibatch_go_wait_trampoline(void *user_data, const cibatch_job *job, bool state_changed) {
	return cibatchGoWaitCallback((uintptr_t)user_data, (cibatch_job *)job, state_changed);
}

static cibatch_result cibatch_go_wait(const cibatch_client *client, const char *job_id, uint64_t max_wait_ms,
                                      uint64_t initial_ms, uint64_t max_interval_ms, uintptr_t handle,
                                      cibatch_job **job_out, cibatch_error **error) {
	return cibatch_client_wait_for_job(client, job_id, max_wait_ms, initial_ms, max_interval_ms,
	                                   cibatch_go_wait_trampoline, (void *)handle, job_out, error);
}
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"time"
)

// WaitOptions tunes WaitForJob. Zero values take the defaults.
type WaitOptions struct {
	MaxWait      time.Duration // default 10 minutes, at most 24h (a context deadline may end the wait sooner)
	PollInterval time.Duration // first interval between polls, default 1s (at least 10ms), growing 1.5x per poll
	MaxInterval  time.Duration // default 15s
	// OnState is called each time the state changes (and for the first state seen). It may call the client, or
	// Close it; a panic in it (or runtime.Goexit) stops the wait and is raised again on the waiting goroutine.
	OnState func(Job)
}

// WaitForJob polls until the job is Success, Failed or Cancel and returns it. It stops with an error matching
// ErrTimeout after MaxWait or at ctx's deadline, and with ctx's error when ctx is cancelled.
func (c *Client) WaitForJob(ctx context.Context, jobID string, o WaitOptions) (Job, error) {
	var cs cStrings
	defer cs.free()
	id := cs.str("jobID", jobID)
	if cs.err != nil {
		return Job{}, cs.err
	}
	var ms [3]C.uint64_t
	for i, d := range []struct {
		name string
		d    time.Duration
	}{{"MaxWait", o.MaxWait}, {"PollInterval", o.PollInterval}, {"MaxInterval", o.MaxInterval}} {
		v, err := durationArg(d.name, d.d)
		if err != nil {
			return Job{}, err
		}
		ms[i] = v
	}
	st := &waitState{ctx: ctx, onState: o.OnState}
	handle := cgo.NewHandle(st)
	defer handle.Delete()
	job, err := c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_go_wait(h, id, ms[0], ms[1], ms[2], C.uintptr_t(handle), out, cerr)
	})
	if st.caught != nil {
		st.caught.raise()
	}
	return job, err
}
