package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// Client is a client for one bucket, safe for concurrent use. Close it when done.
type Client struct {
	// ptr never changes: Close marks it closed in the library, and the finalizer frees it once no goroutine can
	// use it. Calls in progress (and iterators, and the callbacks they make) keep what they use alive.
	ptr    *C.cibatch_client
	closed atomic.Bool
	cb     *callbacks // nil without a Logger or CredentialsProvider
}

func newClient(ptr *C.cibatch_client) *Client {
	c := &Client{ptr: ptr}
	runtime.SetFinalizer(c, func(c *Client) { C.cibatch_client_free(c.ptr) })
	return c
}

// ClockOffset is what the client adds to this machine's clock when signing (set, or learned from the service).
func (c *Client) ClockOffset() time.Duration {
	defer runtime.KeepAlive(c)
	return time.Duration(C.cibatch_client_clock_offset(c.ptr)) * time.Second
}

// Close closes the client: calls that start afterwards fail with ErrClosed, while calls in progress on other
// goroutines, iterators and the callbacks they make finish normally (the memory goes when the last of them is done).
// It is idempotent, returns at once, and may be called from inside a callback (OnState, OnPage, the Logger, the
// CredentialsProvider): it takes effect when the outer call returns.
func (c *Client) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		C.cibatch_client_close(c.ptr)
	}
	runtime.KeepAlive(c)
	return nil
}

var errClosed = &Error{Kind: KindClosed, Message: "cibatch: the client is closed"}

// handle checks that a call may start (ctx not done, the client not closed, not from inside its own
// CredentialsProvider) and returns the handle to make it with: the client's own or, when ctx can end, a derived one
// (sharing the connections) that stops at ctx's deadline or when ctx is cancelled: waits, backoffs and the request
// in flight end at once. release frees it, once the call (or the iterator made with it) is done.
func (c *Client) handle(ctx context.Context) (h *C.cibatch_client, release func(), err error) {
	left, err := withContext(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c.closed.Load() {
		return nil, nil, errClosed
	}
	if err := c.cb.refuseInsideProvider(); err != nil {
		return nil, nil, err
	}
	if ctx.Done() == nil {
		return c.ptr, func() {}, nil
	}
	return derive(c.ptr, ctx, left)
}

// use runs f with the handle for ctx, raising on this goroutine what a callback did during it.
func (c *Client) use(ctx context.Context, f func(*C.cibatch_client) error) (err error) {
	h, release, err := c.handle(ctx)
	if err != nil {
		return err
	}
	defer release()
	scope := c.cb.enter()
	defer func() { scope.exit(isCredentials(err)) }()
	err = f(h)
	runtime.KeepAlive(c)
	return ctxError(ctx, err)
}

// jobCall runs a C call that returns one job, under use's context handling, and copies the job into Go.
func (c *Client) jobCall(ctx context.Context,
	f func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result) (Job, error) {
	var job Job
	err := c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_job
		var cerr *C.cibatch_error
		if err := check(f(h, &out, &cerr), cerr); err != nil {
			return err
		}
		job = takeJob(out)
		return nil
	})
	return job, err
}

// DescribeJob describes one job. A job the service does not know is an error matching ErrJobNotFound.
func (c *Client) DescribeJob(ctx context.Context, jobID string) (Job, error) {
	var cs cStrings
	defer cs.free()
	id := cs.str("jobID", jobID)
	if cs.err != nil {
		return Job{}, cs.err
	}
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_describe_job(h, id, out, cerr)
	})
}

// DescribeJobs describes several jobs, comma-joined in one request per 4 KiB of path (one request per ID if the
// service takes the joined IDs for one); unknown IDs are listed in NonExistJobIDs.
func (c *Client) DescribeJobs(ctx context.Context, jobIDs []string) (DescribeResult, error) {
	var cs cStrings
	defer cs.free()
	ids := cs.array("jobIDs", jobIDs)
	if cs.err != nil {
		return DescribeResult{}, cs.err
	}
	var res DescribeResult
	err := c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_job_list
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_describe_jobs(h, ids, C.size_t(len(jobIDs)), &out, &cerr), cerr); err != nil {
			return err
		}
		res.Jobs, res.NonExistJobIDs, _, res.RequestID = takeList(out)
		return nil
	})
	return res, err
}

// CancelJob cancels a job. Cancelling a job that already ended is a *ServiceError, except within one call: a
// retried attempt (the earlier answer was lost) refused while the job is now Cancel is success.
func (c *Client) CancelJob(ctx context.Context, jobID string) error {
	var cs cStrings
	defer cs.free()
	id := cs.str("jobID", jobID)
	if cs.err != nil {
		return cs.err
	}
	return c.use(ctx, func(h *C.cibatch_client) error {
		var cerr *C.cibatch_error
		return check(C.cibatch_client_cancel_job(h, id, &cerr), cerr)
	})
}
