package cibatch

/*
#include <stdint.h>
#include "cibatch.h"

extern bool cibatchGoReportCallback(uintptr_t handle, uint32_t pages, uint64_t results, uint64_t failed);

static bool cibatch_go_report_trampoline(void *user_data, uint32_t pages, uint64_t results, uint64_t failed) {
	return cibatchGoReportCallback((uintptr_t)user_data, pages, results, failed);
}

static cibatch_result cibatch_go_report(const cibatch_client *client, const char *job_id, uint32_t failed_limit,
                                        uintptr_t handle, bool with_callback, cibatch_report **out,
                                        cibatch_error **error) {
	return cibatch_client_report(client, job_id, failed_limit, with_callback ? cibatch_go_report_trampoline : NULL,
	                             (void *)handle, out, error);
}
*/
import "C"

import (
	"context"
	"iter"
	"runtime"
	"runtime/cgo"
	"time"
)

// ObjectResult is what one unit of a batch job (a workflow execution or a media job) did with one input object.
// Absent fields are "".
type ObjectResult struct {
	Object     string // the input object's key
	State      string // "Running", "Success", "Failed", "Cancel", ...
	Code       string // the media job's Code ("Success" unless it failed); "" for a workflow execution
	Message    string // why the media job failed
	UnitID     string // the workflow execution's RunId or the media job's JobId
	WorkflowID string // Workflow batch jobs: the workflow the execution ran
	Tag        string // Job-type batch jobs: the media job's tag
	// Times in the documented form "2022-06-27T15:23:10+0800" (answers in +08:00 are converted); "" while unset.
	CreationTime, StartTime, EndTime string
	Progress                         string // the media job's Progress, when sent
	RawXML                           string // the item (<WorkflowExecutionList> or <JobsDetail>) as received
}

// Failed reports whether the unit failed.
func (r ObjectResult) Failed() bool { return r.State == "Failed" }

func resultFrom(p *C.cibatch_object_result) ObjectResult {
	s := func(v *C.char) string { return goStr(v) }
	return ObjectResult{
		Object: s(C.cibatch_object_result_object(p)), State: s(C.cibatch_object_result_state(p)),
		Code: s(C.cibatch_object_result_code(p)), Message: s(C.cibatch_object_result_message(p)),
		UnitID: s(C.cibatch_object_result_unit_id(p)), WorkflowID: s(C.cibatch_object_result_workflow_id(p)),
		Tag: s(C.cibatch_object_result_tag(p)), CreationTime: s(C.cibatch_object_result_creation_time(p)),
		StartTime: s(C.cibatch_object_result_start_time(p)), EndTime: s(C.cibatch_object_result_end_time(p)),
		Progress: s(C.cibatch_object_result_progress(p)), RawXML: s(C.cibatch_object_result_raw_xml(p)),
	}
}

// ResultPage is one page of a batch job's results, from WorkflowID (a Workflow batch job) or Tag (a Job one).
// NextToken is "" on that source's last page.
type ResultPage struct {
	Results    []ObjectResult
	NextToken  string
	RequestID  string
	WorkflowID string
	Tag        string
}

// takePage copies and frees a C page.
func takePage(p *C.cibatch_result_page) ResultPage {
	defer C.cibatch_result_page_free(p)
	n := int(C.cibatch_result_page_count(p))
	page := ResultPage{Results: make([]ObjectResult, 0, n), NextToken: goStr(C.cibatch_result_page_next_token(p)),
		RequestID: goStr(C.cibatch_result_page_request_id(p)), WorkflowID: goStr(C.cibatch_result_page_workflow_id(p)),
		Tag: goStr(C.cibatch_result_page_tag(p))}
	for i := 0; i < n; i++ {
		page.Results = append(page.Results, resultFrom(C.cibatch_result_page_get(p, C.size_t(i))))
	}
	return page
}

// ResultOptions filters a batch job's results. Zero values are not sent.
type ResultOptions struct {
	States      []string // e.g. {"Failed"}; empty: all
	Object      string   // only this input object key
	OrderByTime string   // "Desc" (default) or "Asc"
	Size        int      // page size, 1..100 (default 10)
	// StartCreationTime and EndCreationTime take "2022-02-25T12:00:00+0800", "+08:00" or "Z"; StartCreationAt and
	// EndCreationAt a time.Time instead (set one form of each, not both).
	StartCreationTime, EndCreationTime string
	StartCreationAt, EndCreationAt     time.Time
	// OnPage, for Results, is called as each page arrives with its number (from 1) and result count.
	OnPage func(page, results int)

	// For ListResults only: the source (exactly one of WorkflowID, one of a Workflow batch job's workflow IDs,
	// and Tag, a Job batch job's tag) and the page (the previous page's NextToken; "" for the first).
	WorkflowID, Tag, NextToken string
}

// build makes the C options; the caller frees them with C.cibatch_result_options_free.
func (o *ResultOptions) build() (opts *C.cibatch_result_options, err error) {
	start, err := timeArg("StartCreationTime", o.StartCreationTime, o.StartCreationAt)
	if err != nil {
		return nil, err
	}
	end, err := timeArg("EndCreationTime", o.EndCreationTime, o.EndCreationAt)
	if err != nil {
		return nil, err
	}
	const arg = "ResultOptions"
	var cs cStrings
	defer cs.free()
	states := make([]*C.char, len(o.States))
	for i, st := range o.States {
		states[i] = cs.str(arg, st)
	}
	object, from, to := cs.opt(arg, o.Object), cs.opt(arg, start), cs.opt(arg, end)
	cs.check(arg, o.OrderByTime)
	if cs.err != nil {
		return nil, cs.err
	}
	var cerr *C.cibatch_error
	if err := check(C.cibatch_result_options_new(&opts, &cerr), cerr); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			C.cibatch_result_options_free(opts)
			opts = nil
		}
	}()
	for _, st := range states {
		if err := check(C.cibatch_result_options_add_state(opts, st, &cerr), cerr); err != nil {
			return opts, err
		}
	}
	if err := check(C.cibatch_result_options_set_object(opts, object, &cerr), cerr); err != nil {
		return opts, err
	}
	if err := check(C.cibatch_result_options_set_creation_range(opts, from, to, &cerr), cerr); err != nil {
		return opts, err
	}
	switch o.OrderByTime {
	case "":
	case "Desc", "Asc":
		order := C.uint32_t(C.CIBATCH_ORDER_DESC)
		if o.OrderByTime == "Asc" {
			order = C.CIBATCH_ORDER_ASC
		}
		if err := check(C.cibatch_result_options_set_order(opts, order, &cerr), cerr); err != nil {
			return opts, err
		}
	default:
		return opts, &Error{Kind: KindInvalidArgument, Argument: "OrderByTime",
			Message: "invalid argument `OrderByTime`: " + o.OrderByTime + " is not Desc or Asc"}
	}
	if o.Size != 0 {
		size, err := intArg("Size", int64(o.Size), 100)
		if err != nil {
			return opts, err
		}
		if size == 0 {
			return opts, &Error{Kind: KindInvalidArgument, Argument: "Size", Message: "invalid argument `Size`: must be 1..100"}
		}
		if err := check(C.cibatch_result_options_set_size(opts, C.uint32_t(size), &cerr), cerr); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// ListResults fetches one page of batch job jobID's results from one source (o.WorkflowID or o.Tag), starting at
// o.NextToken. Nothing is described first; Results finds the sources itself.
func (c *Client) ListResults(ctx context.Context, jobID string, o ResultOptions) (ResultPage, error) {
	var cs cStrings
	defer cs.free()
	id := cs.str("jobID", jobID)
	if cs.err != nil {
		return ResultPage{}, cs.err
	}
	if (o.WorkflowID == "") == (o.Tag == "") {
		return ResultPage{}, &Error{Kind: KindInvalidArgument, Argument: "WorkflowID",
			Message: "invalid argument `WorkflowID`: set exactly one of WorkflowID and Tag"}
	}
	wf, tag, next := cs.opt("ResultOptions", o.WorkflowID), cs.opt("ResultOptions", o.Tag), cs.opt("ResultOptions", o.NextToken)
	if cs.err != nil {
		return ResultPage{}, cs.err
	}
	opts, err := o.build()
	if err != nil {
		return ResultPage{}, err
	}
	defer C.cibatch_result_options_free(opts)
	var page ResultPage
	err = c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_result_page
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_list_results(h, id, wf, tag, opts, next, &out, &cerr), cerr); err != nil {
			return err
		}
		page = takePage(out)
		return nil
	})
	return page, err
}

// Results iterates over every per-object result of batch job jobID, whatever its type: the job is described, then
// the executions of each of its workflow IDs are walked in turn (Workflow) or the media jobs of its tag (Job),
// page by page, until the last result, an error (yielded once, last) or the end of ctx (which also stops a page
// request in flight). Paging ends as for AllJobs. The iterator keeps what it uses alive: closing the client (even
// from OnPage) does not stop it.
func (c *Client) Results(ctx context.Context, jobID string, o ResultOptions) iter.Seq2[ObjectResult, error] {
	return func(yield func(ObjectResult, error) bool) {
		fail := func(err error) { yield(ObjectResult{}, err) }
		var cs cStrings
		defer cs.free()
		id := cs.str("jobID", jobID)
		if cs.err != nil {
			fail(cs.err)
			return
		}
		o.WorkflowID, o.Tag, o.NextToken = "", "", ""
		opts, err := o.build()
		if err != nil {
			fail(err)
			return
		}
		defer C.cibatch_result_options_free(opts)
		handle, release, err := c.handle(ctx)
		if err != nil {
			fail(err)
			return
		}
		defer release()
		cb := c.cb
		// step runs one C call inside a callback scope (a logging callback's panic is raised here).
		step := func(f func(cerr **C.cibatch_error) C.cibatch_result) (err error) {
			scope := cb.enter()
			defer func() { scope.exit(isCredentials(err)) }()
			var cerr *C.cibatch_error
			return check(f(&cerr), cerr)
		}
		var pager *C.cibatch_results_pager
		// The pager keeps what it needs of the handle (connections, callbacks, ctx's token) until it is freed.
		err = step(func(cerr **C.cibatch_error) C.cibatch_result {
			return C.cibatch_client_results(handle, id, opts, &pager, cerr)
		})
		runtime.KeepAlive(c)
		if err != nil {
			fail(ctxError(ctx, err))
			return
		}
		defer C.cibatch_results_pager_free(pager)
		for pages := 1; ; pages++ {
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			var page *C.cibatch_result_page
			if err := step(func(cerr **C.cibatch_error) C.cibatch_result {
				return C.cibatch_results_pager_next_page(pager, &page, cerr)
			}); err != nil {
				fail(ctxError(ctx, err))
				return
			}
			if page == nil {
				return
			}
			p := takePage(page)
			if o.OnPage != nil {
				o.OnPage(pages, len(p.Results))
			}
			for _, r := range p.Results {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// ReportProgress is where a report stands after a page.
type ReportProgress struct {
	Pages   int // pages fetched so far
	Results int // results counted so far
	Failed  int // of which failed
}

// ReportOptions tunes Report.
type ReportOptions struct {
	// FailedLimit is how many failed results to keep (the first in creation order): 0 means 100, negative none.
	FailedLimit int
	// OnPage is called after each page, on the calling goroutine. A panic in it stops the report and is raised
	// again on the caller's goroutine.
	OnPage func(ReportProgress)
}

// Report is a batch job and what its units did.
type Report struct {
	Job     Job            // the batch job, as described when the report started
	Counts  map[string]int // results by state
	Total   int
	Failed  []ObjectResult // the first FailedLimit failed results, in creation order
	Pages   int
	Outcome string // "in progress", "completed", "completed with failures", "failed" or "cancelled"
}

// FailedTotal is the number of failed results counted (all of them, not only those kept in Failed).
func (r *Report) FailedTotal() int { return r.Counts["Failed"] }

// reportState travels to the C callback as a cgo.Handle: C never holds a Go pointer.
type reportState struct {
	ctx    context.Context
	onPage func(ReportProgress)
	caught *recovered
}

//export cibatchGoReportCallback
func cibatchGoReportCallback(handle C.uintptr_t, pages C.uint32_t, results, failed C.uint64_t) C.bool {
	st := cgo.Handle(handle).Value().(*reportState)
	if st.caught != nil {
		return false
	}
	if st.onPage != nil {
		p := ReportProgress{Pages: int(pages), Results: int(results), Failed: int(failed)}
		if st.caught = runUser(func() { st.onPage(p) }); st.caught != nil {
			return false
		}
	}
	return C.bool(st.ctx.Err() == nil)
}

// Report builds a report over batch job jobID: the job, its results counted by state, the total and the first
// failed results in creation order, paging once through every result (100 a page). The outcome is "completed with
// failures" when the batch job ended Success (as it does once its fan-out finished) but units failed.
func (c *Client) Report(ctx context.Context, jobID string, o ReportOptions) (Report, error) {
	var cs cStrings
	defer cs.free()
	id := cs.str("jobID", jobID)
	if cs.err != nil {
		return Report{}, cs.err
	}
	limit := o.FailedLimit
	switch {
	case limit == 0:
		limit = 100
	case limit < 0:
		limit = 0
	case limit > 1<<31:
		limit = 1 << 31
	}
	st := &reportState{ctx: ctx, onPage: o.OnPage}
	handle := cgo.NewHandle(st)
	defer handle.Delete()
	var rep Report
	err := c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_report
		var cerr *C.cibatch_error
		if err := check(C.cibatch_go_report(h, id, C.uint32_t(limit), C.uintptr_t(handle), C.bool(o.OnPage != nil),
			&out, &cerr), cerr); err != nil {
			return err
		}
		defer C.cibatch_report_free(out)
		rep.Job = jobFrom(C.cibatch_report_job(out))
		rep.Total = int(C.cibatch_report_total(out))
		rep.Pages = int(C.cibatch_report_pages(out))
		rep.Outcome = goStr(C.cibatch_report_outcome(out))
		rep.Counts = map[string]int{}
		for i := 0; i < int(C.cibatch_report_state_count(out)); i++ {
			rep.Counts[goStr(C.cibatch_report_state_name(out, C.size_t(i)))] =
				int(C.cibatch_report_state_total(out, C.size_t(i)))
		}
		for i := 0; i < int(C.cibatch_report_failed_count(out)); i++ {
			rep.Failed = append(rep.Failed, resultFrom(C.cibatch_report_failed_get(out, C.size_t(i))))
		}
		return nil
	})
	if st.caught != nil {
		st.caught.raise()
	}
	return rep, err
}
