package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"iter"
	"runtime"
	"strings"
	"time"
)

// ListOptions filters and pages a listing. Zero values are not sent (the service's defaults apply).
type ListOptions struct {
	// Type is "Workflow" or "Job". Without it, ListJobs sends no type (the service's undocumented default applies,
	// which may be Workflow only), while AllJobs lists both types and merges them.
	Type        string
	States      []string // e.g. {"Running", "Failed"}; empty: all
	OrderByTime string   // "Desc" (default) or "Asc"
	Size        int      // 1..100 (default 10)
	NextToken   string
	// StartCreationTime and EndCreationTime take "2022-02-25T12:00:00+0800", "+08:00" or "Z"; they are sent as
	// +hhmm. StartCreationAt and EndCreationAt take a time.Time instead (set one form of each, not both).
	StartCreationTime string
	EndCreationTime   string
	StartCreationAt   time.Time
	EndCreationAt     time.Time
	WorkflowID        string
	JobID             string
	Name              string
	// OnPage, for AllJobs, is called as each page arrives with its number (from 1) and job count.
	OnPage func(page, jobs int)
}

// build makes the C options; the caller frees them with C.cibatch_list_options_free.
func (o *ListOptions) build() (opts *C.cibatch_list_options, err error) {
	start, err := timeArg("StartCreationTime", o.StartCreationTime, o.StartCreationAt)
	if err != nil {
		return nil, err
	}
	end, err := timeArg("EndCreationTime", o.EndCreationTime, o.EndCreationAt)
	if err != nil {
		return nil, err
	}
	const arg = "ListOptions"
	var cs cStrings
	defer cs.free()
	typ, next := cs.opt(arg, o.Type), cs.opt(arg, o.NextToken)
	from, to := cs.opt(arg, start), cs.opt(arg, end)
	workflowID, jobID, name := cs.opt(arg, o.WorkflowID), cs.opt(arg, o.JobID), cs.opt(arg, o.Name)
	states := make([]*C.char, len(o.States))
	for i, st := range o.States {
		states[i] = cs.opt(arg, st)
	}
	cs.check(arg, o.OrderByTime)
	if cs.err != nil {
		return nil, cs.err
	}
	var cerr *C.cibatch_error
	if err := check(C.cibatch_list_options_new(&opts, &cerr), cerr); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			C.cibatch_list_options_free(opts)
			opts = nil
		}
	}()
	if o.Type != "" {
		if err := check(C.cibatch_list_options_set_type(opts, typ, &cerr), cerr); err != nil {
			return opts, err
		}
	}
	if o.OrderByTime != "" {
		var order C.uint32_t
		switch strings.ToLower(o.OrderByTime) {
		case "desc":
			order = C.CIBATCH_ORDER_DESC
		case "asc":
			order = C.CIBATCH_ORDER_ASC
		default:
			return opts, &Error{Kind: KindInvalidArgument, Argument: "OrderByTime",
				Message: "invalid argument `OrderByTime`: " + o.OrderByTime + " is not Desc or Asc"}
		}
		if err := check(C.cibatch_list_options_set_order(opts, order, &cerr), cerr); err != nil {
			return opts, err
		}
	}
	for _, st := range states {
		if err := check(C.cibatch_list_options_add_state(opts, st, &cerr), cerr); err != nil {
			return opts, err
		}
	}
	if o.Size < 0 || o.Size > 1<<31 {
		return opts, &Error{Kind: KindInvalidArgument, Argument: "size", Message: "invalid argument `size`: negative"}
	}
	if err := check(C.cibatch_list_options_set_size(opts, C.uint32_t(o.Size), &cerr), cerr); err != nil {
		return opts, err
	}
	if err := check(C.cibatch_list_options_set_next_token(opts, next, &cerr), cerr); err != nil {
		return opts, err
	}
	if err := check(C.cibatch_list_options_set_filters(opts, from, to, workflowID, jobID, name, &cerr), cerr); err != nil {
		return opts, err
	}
	return opts, nil
}

// ListJobs fetches one page. Pass the previous page's NextToken for the next one, or use AllJobs.
func (c *Client) ListJobs(ctx context.Context, o ListOptions) (Page, error) {
	opts, err := o.build()
	if err != nil {
		return Page{}, err
	}
	defer C.cibatch_list_options_free(opts)
	var page Page
	err = c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_job_list
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_list_jobs(h, opts, &out, &cerr), cerr); err != nil {
			return err
		}
		page.Type = goStr(C.cibatch_job_list_type(out))
		page.Jobs, _, page.NextToken, page.RequestID = takeList(out)
		return nil
	})
	return page, err
}

// AllJobs iterates over every job of a listing, fetching pages as needed, until the last job, an error (yielded
// once, last) or the end of ctx (which also stops a page request in flight). Without a Type it lists Workflow and
// Job jobs and merges them by (creation time, job ID) in the requested order, so no job is skipped whatever the
// service's default type. A type's listing ends on an empty NextToken or one that repeats the token its page was
// asked with; a token an earlier page gave, or 20 pages in a row without jobs, is an error instead of an endless
// loop. The iterator keeps what it uses alive: closing the client (even from OnPage) does not stop it.
func (c *Client) AllJobs(ctx context.Context, o ListOptions) iter.Seq2[Job, error] {
	return func(yield func(Job, error) bool) {
		opts, err := o.build()
		if err != nil {
			yield(Job{}, err)
			return
		}
		defer C.cibatch_list_options_free(opts)
		handle, release, err := c.handle(ctx)
		if err != nil {
			yield(Job{}, err)
			return
		}
		defer release()
		var it *C.cibatch_job_iter
		var cerr *C.cibatch_error
		// The iterator keeps what it needs of the handle (connections, callbacks, ctx's token) until it is freed.
		err = check(C.cibatch_client_jobs(handle, opts, C.bool(o.OnPage != nil), &it, &cerr), cerr)
		runtime.KeepAlive(c)
		if err != nil {
			yield(Job{}, err)
			return
		}
		defer C.cibatch_job_iter_free(it)
		cb := c.cb
		pages := 0
		for {
			if err := ctx.Err(); err != nil {
				yield(Job{}, err)
				return
			}
			var job *C.cibatch_job
			err := func() (err error) {
				scope := cb.enter()
				defer func() { scope.exit(isCredentials(err)) }()
				var cerr *C.cibatch_error
				return check(C.cibatch_job_iter_next(it, &job, &cerr), cerr)
			}()
			for o.OnPage != nil {
				var page *C.cibatch_job_list
				var perr *C.cibatch_error
				if check(C.cibatch_job_iter_take_page(it, &page, &perr), perr) != nil || page == nil {
					break
				}
				n := int(C.cibatch_job_list_count(page))
				C.cibatch_job_list_free(page)
				pages++
				o.OnPage(pages, n)
			}
			if err != nil {
				yield(Job{}, ctxError(ctx, err))
				return
			}
			if job == nil {
				return
			}
			if !yield(takeJob(job), nil) {
				return
			}
		}
	}
}
