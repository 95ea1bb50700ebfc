package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"

#include <stdint.h>

extern bool cibatchGoWaitCallback(uintptr_t handle, cibatch_job *job, bool state_changed);

// The library's callback takes void* user data and a const job; cgo exports take neither, so the user data is
// a cgo.Handle (an integer, not a Go pointer) carried through void*.
static bool cibatch_go_wait_trampoline(void *user_data, const cibatch_job *job, bool state_changed) {
	return cibatchGoWaitCallback((uintptr_t)user_data, (cibatch_job *)job, state_changed);
}

extern bool cibatchGoCredentials(uintptr_t handle, cibatch_credentials *out);
extern void cibatchGoLog(uintptr_t handle, int level, char *message);

static bool cibatch_go_credentials(void *user_data, cibatch_credentials *out) {
	return cibatchGoCredentials((uintptr_t)user_data, out);
}

static void cibatch_go_log(void *user_data, cibatch_log_level level, const char *message) {
	cibatchGoLog((uintptr_t)user_data, (int)level, (char *)message);
}

static cibatch_result cibatch_go_set_provider(cibatch_config *config, uintptr_t handle,
                                              cibatch_release_callback release, cibatch_error **error) {
	return cibatch_config_set_credentials_provider(config, cibatch_go_credentials, (void *)handle, release, error);
}

static cibatch_result cibatch_go_set_logger(cibatch_config *config, uintptr_t handle, uint32_t level,
                                            cibatch_release_callback release, cibatch_error **error) {
	return cibatch_config_set_logger(config, cibatch_go_log, (void *)handle, level, release, error);
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
	"iter"
	"log/slog"
	"math"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"
)

// Config configures a Client. Bucket, Region, SecretID and SecretKey are required.
type Config struct {
	Bucket    string // "examplebucket-1250000000"
	Region    string // "ap-beijing"
	SecretID  string
	SecretKey string
	Token     string // session token of temporary credentials
	Endpoint  string // a full base URL ("http://127.0.0.1:9000") replacing scheme and host
	// Timeout bounds one attempt (default 60s); a context deadline bounds a whole call. Timeouts, backoffs and
	// waits are at most 24h; negative values and values out of range are refused by NewClient.
	Timeout        time.Duration
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	UserAgent      string
	// MaxAttempts for describe, list and cancel (default 3, at most 10). Create is retried only with RetryCreate:
	// the API has no idempotency token, so a create sent again can start a second job.
	MaxAttempts int
	RetryCreate bool
	// BackoffBase and BackoffCap shape the full-jitter exponential backoff between retries (200ms, 5s).
	BackoffBase, BackoffCap time.Duration
	// ClockOffset is added to this machine's clock when signing (at most a day either way). A skewed clock is also
	// corrected from the service's answer.
	ClockOffset time.Duration
	// CABundle is a PEM file of root certificates to trust instead of the built-in ones.
	CABundle string
	// Proxy is an HTTP(S) proxy URL; when empty, HTTPS_PROXY/ALL_PROXY/NO_PROXY are honoured.
	Proxy string
	// MaxResponseBytes (default 8 MiB, at most 1 GiB) and MaxXMLDepth (default 32, 4 to 256) bound what a
	// response may cost.
	MaxResponseBytes int64
	MaxXMLDepth      int
	// CredentialsProvider, when set, supplies temporary credentials instead of SecretID/SecretKey/Token. The client
	// calls it before the first request and again 5 minutes before Expires, once for all goroutines, with no lock
	// held. A call on this client from inside it fails at once with ErrCredentials; a panic in it (or
	// runtime.Goexit) is raised again on the goroutine whose call needed the credentials.
	CredentialsProvider func() (Credentials, error)
	// Logger receives the client's log messages (debug: each request's line, status, request id, attempt and
	// duration). Never a secret. It may call the client; a panic in its handler is raised again on the goroutine
	// whose call logged, once that call has returned.
	Logger *slog.Logger
	// HTTP makes requests to the default host over plain HTTP instead of HTTPS.
	HTTP bool
}

// Client is a client for one bucket, safe for concurrent use. Close it when done.
type Client struct {
	// ptr never changes: Close marks it closed in the library, and the finalizer frees it once no goroutine can
	// use it. Calls in progress (and iterators, and the callbacks they make) keep what they use alive.
	ptr    *C.cibatch_client
	closed atomic.Bool
	cb     *callbacks // nil without a Logger or CredentialsProvider
}

// intArg checks that v fits the C parameter (0: keep the default).
func intArg(name string, v int64, max uint64) (uint64, error) {
	if v < 0 || uint64(v) > max {
		return 0, &Error{Kind: KindInvalidArgument, Argument: name,
			Message: "invalid argument `" + name + "`: out of range"}
	}
	return uint64(v), nil
}

// durationArg checks a duration setting (0: keep the default); the library refuses more than a day.
func durationArg(name string, d time.Duration) (C.uint64_t, error) {
	if d < 0 {
		return 0, &Error{Kind: KindInvalidArgument, Argument: name,
			Message: "invalid argument `" + name + "`: negative"}
	}
	return millis(d), nil
}

// NewClient checks cfg (nothing is sent) and makes a client.
func NewClient(cfg Config) (*Client, error) {
	if cfg.CredentialsProvider != nil && cfg.SecretID == "" && cfg.SecretKey == "" {
		// The library wants placeholders; the provider's credentials are used instead.
		cfg.SecretID, cfg.SecretKey = "-", "-"
	}
	if err := checkText("config", cfg.Bucket, cfg.Region, cfg.SecretID, cfg.SecretKey, cfg.Token, cfg.Endpoint,
		cfg.UserAgent, cfg.CABundle, cfg.Proxy); err != nil {
		return nil, err
	}
	bucket, region, id, key := cstr(cfg.Bucket), cstr(cfg.Region), cstr(cfg.SecretID), cstr(cfg.SecretKey)
	defer free(bucket)
	defer free(region)
	defer free(id)
	defer free(key)
	var ccfg *C.cibatch_config
	var cerr *C.cibatch_error
	if err := check(C.cibatch_config_new(bucket, region, id, key, &ccfg, &cerr), cerr); err != nil {
		return nil, err
	}
	defer C.cibatch_config_free(ccfg)
	set := func(result C.cibatch_result, cerr *C.cibatch_error) error { return check(result, cerr) }
	if cfg.Token != "" {
		t := cstr(cfg.Token)
		defer free(t)
		if err := set(C.cibatch_config_set_token(ccfg, t, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.Endpoint != "" {
		e := cstr(cfg.Endpoint)
		defer free(e)
		if err := set(C.cibatch_config_set_endpoint(ccfg, e, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.HTTP {
		if err := set(C.cibatch_config_set_https(ccfg, false, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	var timeouts [3]C.uint64_t
	for i, d := range []struct {
		name string
		d    time.Duration
	}{{"Timeout", cfg.Timeout}, {"ConnectTimeout", cfg.ConnectTimeout}, {"ReadTimeout", cfg.ReadTimeout}} {
		ms, err := durationArg(d.name, d.d)
		if err != nil {
			return nil, err
		}
		timeouts[i] = ms
	}
	if err := set(C.cibatch_config_set_timeouts(ccfg, timeouts[0], timeouts[1], timeouts[2], &cerr), cerr); err != nil {
		return nil, err
	}
	if cfg.UserAgent != "" {
		ua := cstr(cfg.UserAgent)
		defer free(ua)
		if err := set(C.cibatch_config_set_user_agent(ccfg, ua, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	// 0 keeps the library's defaults; the library checks the ranges.
	attempts, err := intArg("MaxAttempts", int64(cfg.MaxAttempts), math.MaxUint32)
	if err != nil {
		return nil, err
	}
	base, err := durationArg("BackoffBase", cfg.BackoffBase)
	if err != nil {
		return nil, err
	}
	capMs, err := durationArg("BackoffCap", cfg.BackoffCap)
	if err != nil {
		return nil, err
	}
	if err := set(C.cibatch_config_set_retries(ccfg, C.uint32_t(attempts), C.bool(cfg.RetryCreate), base, capMs,
		&cerr), cerr); err != nil {
		return nil, err
	}
	if cfg.ClockOffset != 0 {
		if err := set(C.cibatch_config_set_clock_offset(ccfg, C.int64_t(cfg.ClockOffset/time.Second), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.CABundle != "" {
		p := cstr(cfg.CABundle)
		defer free(p)
		if err := set(C.cibatch_config_set_ca_bundle(ccfg, p, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.Proxy != "" {
		p := cstr(cfg.Proxy)
		defer free(p)
		if err := set(C.cibatch_config_set_proxy(ccfg, p, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.MaxResponseBytes != 0 {
		n, err := intArg("MaxResponseBytes", cfg.MaxResponseBytes, math.MaxUint64)
		if err != nil {
			return nil, err
		}
		if err := set(C.cibatch_config_set_max_response_bytes(ccfg, C.uint64_t(n), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.MaxXMLDepth != 0 {
		n, err := intArg("MaxXMLDepth", int64(cfg.MaxXMLDepth), math.MaxUint32)
		if err != nil {
			return nil, err
		}
		if err := set(C.cibatch_config_set_max_xml_depth(ccfg, C.uint32_t(n), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	// The library deletes each handle (releaser) when nothing can call back with it any more.
	var cb *callbacks
	if cfg.Logger != nil || cfg.CredentialsProvider != nil {
		cb = &callbacks{}
	}
	if cfg.Logger != nil {
		level := C.uint32_t(0)
		for _, l := range []struct {
			slog  slog.Level
			level C.uint32_t
		}{{slog.LevelDebug, C.CIBATCH_LOG_DEBUG}, {slog.LevelInfo, C.CIBATCH_LOG_INFO}, {slog.LevelWarn, C.CIBATCH_LOG_WARN},
			{slog.LevelError, C.CIBATCH_LOG_ERROR}} {
			if cfg.Logger.Enabled(context.Background(), l.slog) {
				level = l.level
				break
			}
		}
		if level > 0 {
			h := cgo.NewHandle(&logState{logger: cfg.Logger, cb: cb})
			if err := set(C.cibatch_go_set_logger(ccfg, C.uintptr_t(h), level, releaser(), &cerr), cerr); err != nil {
				h.Delete()
				return nil, err
			}
		}
	}
	if cfg.CredentialsProvider != nil {
		logger := cfg.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		h := cgo.NewHandle(&providerState{provide: cfg.CredentialsProvider, logger: logger, cb: cb})
		if err := set(C.cibatch_go_set_provider(ccfg, C.uintptr_t(h), releaser(), &cerr), cerr); err != nil {
			h.Delete()
			return nil, err
		}
	}
	var ptr *C.cibatch_client
	if err := check(C.cibatch_client_new(ccfg, &ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	c := newClient(ptr)
	c.cb = cb
	return c, nil
}

// NewClientFromEnv makes a client from CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT and
// TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY/TENCENTCLOUD_SESSION_TOKEN (else COS_SECRET_ID/COS_SECRET_KEY).
func NewClientFromEnv() (*Client, error) {
	var ptr *C.cibatch_client
	var cerr *C.cibatch_error
	if err := check(C.cibatch_client_new_from_env(&ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	return newClient(ptr), nil
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

// use runs f with the client's handle. When ctx can end, f gets a derived handle (sharing the connections) that
// stops at ctx's deadline or when ctx is cancelled: waits, backoffs and the request in flight end at once.
func (c *Client) use(ctx context.Context, f func(*C.cibatch_client) error) (err error) {
	left, err := withContext(ctx)
	if err != nil {
		return err
	}
	if c.closed.Load() {
		return errClosed
	}
	if err := c.cb.refuseInsideProvider(); err != nil {
		return err
	}
	scope := c.cb.enter()
	defer func() { scope.exit(isCredentials(err)) }()
	handle := c.ptr
	if ctx.Done() != nil {
		derived, release, err := derive(c.ptr, ctx, left)
		if err != nil {
			return err
		}
		defer release()
		handle = derived
	}
	err = f(handle)
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
	if err := checkText("jobID", jobID); err != nil {
		return Job{}, err
	}
	id := cstr(jobID)
	defer free(id)
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_describe_job(h, id, out, cerr)
	})
}

// DescribeJobs describes several jobs, comma-joined in one request per 4 KiB of path (one request per ID if the
// service takes the joined IDs for one); unknown IDs are listed in NonExistJobIDs.
func (c *Client) DescribeJobs(ctx context.Context, jobIDs []string) (DescribeResult, error) {
	if err := checkText("jobIDs", jobIDs...); err != nil {
		return DescribeResult{}, err
	}
	var res DescribeResult
	err := c.use(ctx, func(h *C.cibatch_client) error {
		n := len(jobIDs)
		// The array lives in C memory: cgo forbids passing C a Go pointer to Go pointers.
		mem := C.malloc(C.size_t(max(n, 1)) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
		defer C.free(mem)
		arr := unsafe.Slice((**C.char)(mem), n)
		for i, id := range jobIDs {
			arr[i] = cstr(id)
			defer free(arr[i])
		}
		var out *C.cibatch_job_list
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_describe_jobs(h, (**C.char)(mem), C.size_t(n), &out, &cerr), cerr); err != nil {
			return err
		}
		res.Jobs, res.NonExistJobIDs, _, res.RequestID = takeList(out)
		return nil
	})
	return res, err
}

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

func (o *ListOptions) build() (*C.cibatch_list_options, error) {
	if err := checkText("ListOptions", append([]string{o.Type, o.OrderByTime, o.NextToken, o.StartCreationTime,
		o.EndCreationTime, o.WorkflowID, o.JobID, o.Name}, o.States...)...); err != nil {
		return nil, err
	}
	start, err := timeArg("StartCreationTime", o.StartCreationTime, o.StartCreationAt)
	if err != nil {
		return nil, err
	}
	end, err := timeArg("EndCreationTime", o.EndCreationTime, o.EndCreationAt)
	if err != nil {
		return nil, err
	}
	var opts *C.cibatch_list_options
	var cerr *C.cibatch_error
	if err := check(C.cibatch_list_options_new(&opts, &cerr), cerr); err != nil {
		return nil, err
	}
	fail := func(result C.cibatch_result, cerr *C.cibatch_error) error {
		if err := check(result, cerr); err != nil {
			C.cibatch_list_options_free(opts)
			return err
		}
		return nil
	}
	var strs []*C.char
	defer func() {
		for _, s := range strs {
			free(s)
		}
	}()
	opt := func(s string) *C.char {
		p := cstrOpt(s)
		strs = append(strs, p)
		return p
	}
	if o.Type != "" {
		if err := fail(C.cibatch_list_options_set_type(opts, opt(o.Type), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	switch strings.ToLower(o.OrderByTime) {
	case "":
	case "desc":
		if err := fail(C.cibatch_list_options_set_order(opts, C.CIBATCH_ORDER_DESC, &cerr), cerr); err != nil {
			return nil, err
		}
	case "asc":
		if err := fail(C.cibatch_list_options_set_order(opts, C.CIBATCH_ORDER_ASC, &cerr), cerr); err != nil {
			return nil, err
		}
	default:
		C.cibatch_list_options_free(opts)
		return nil, &Error{Kind: KindInvalidArgument, Argument: "OrderByTime",
			Message: "invalid argument `OrderByTime`: " + o.OrderByTime + " is not Desc or Asc"}
	}
	for _, st := range o.States {
		if err := fail(C.cibatch_list_options_add_state(opts, opt(st), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if o.Size < 0 || o.Size > 1<<31 {
		C.cibatch_list_options_free(opts)
		return nil, &Error{Kind: KindInvalidArgument, Argument: "size", Message: "invalid argument `size`: negative"}
	}
	if err := fail(C.cibatch_list_options_set_size(opts, C.uint32_t(o.Size), &cerr), cerr); err != nil {
		return nil, err
	}
	if err := fail(C.cibatch_list_options_set_next_token(opts, opt(o.NextToken), &cerr), cerr); err != nil {
		return nil, err
	}
	if err := fail(C.cibatch_list_options_set_filters(opts, opt(start), opt(end),
		opt(o.WorkflowID), opt(o.JobID), opt(o.Name), &cerr), cerr); err != nil {
		return nil, err
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
		left, err := withContext(ctx)
		if err == nil && c.closed.Load() {
			err = errClosed
		}
		if err == nil {
			err = c.cb.refuseInsideProvider()
		}
		if err != nil {
			yield(Job{}, err)
			return
		}
		handle := c.ptr
		if ctx.Done() != nil {
			derived, release, err := derive(c.ptr, ctx, left)
			if err != nil {
				yield(Job{}, err)
				return
			}
			defer release()
			handle = derived
		}
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

// Input names the objects a job runs over: set exactly one field.
type Input struct {
	Prefix   string // every object under a key prefix
	Manifest string // a COS inventory manifest.json URL
	URLFile  string // an object whose lines are object URLs
	Object   string // one object key
}

func (in Input) kind() (C.uint32_t, string, error) {
	var kinds []C.uint32_t
	var values []string
	for k, v := range map[C.uint32_t]string{C.CIBATCH_INPUT_PREFIX: in.Prefix, C.CIBATCH_INPUT_MANIFEST: in.Manifest,
		C.CIBATCH_INPUT_URL_FILE: in.URLFile, C.CIBATCH_INPUT_OBJECT: in.Object} {
		if v != "" {
			kinds, values = append(kinds, k), append(values, v)
		}
	}
	if len(kinds) != 1 {
		return 0, "", &Error{Kind: KindInvalidArgument, Argument: "Input",
			Message: "invalid argument `Input`: set exactly one of Prefix, Manifest, URLFile, Object"}
	}
	return kinds[0], values[0], checkText("Input", values[0])
}

// WorkflowJobRequest creates a job that triggers a workflow.
type WorkflowJobRequest struct {
	Name       string
	WorkflowID string
	Input      Input
	// Start and End filter objects by upload time ("2022-02-01T12:00:00+0800", "+08:00" or "Z", sent as +hhmm);
	// optional. StartAt and EndAt take a time.Time instead.
	Start, End     string
	StartAt, EndAt time.Time
}

// CreateWorkflowJob creates a Workflow job. It is not retried unless Config.RetryCreate is set.
func (c *Client) CreateWorkflowJob(ctx context.Context, r WorkflowJobRequest) (Job, error) {
	kind, value, err := r.Input.kind()
	if err != nil {
		return Job{}, err
	}
	if err := checkText("WorkflowJobRequest", r.Name, r.WorkflowID, r.Start, r.End); err != nil {
		return Job{}, err
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return Job{}, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return Job{}, err
	}
	name, val, wf := cstr(r.Name), cstr(value), cstr(r.WorkflowID)
	defer free(name)
	defer free(val)
	defer free(wf)
	var req *C.cibatch_workflow_request
	var cerr *C.cibatch_error
	if err := check(C.cibatch_workflow_request_new(name, kind, val, wf, &req, &cerr), cerr); err != nil {
		return Job{}, err
	}
	defer C.cibatch_workflow_request_free(req)
	if r.Start != "" || r.End != "" {
		start, end := cstrOpt(r.Start), cstrOpt(r.End)
		defer free(start)
		defer free(end)
		if err := check(C.cibatch_workflow_request_set_time_interval(req, start, end, &cerr), cerr); err != nil {
			return Job{}, err
		}
	}
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_create_workflow_job(h, req, out, cerr)
	})
}

// JobRequest creates a Job-type job: one job type (Tag) run directly over an input.
type JobRequest struct {
	Name  string
	Tag   string // "Transcode", "Snapshot", "ImageInspect", ...
	Input Input
	// TemplateID becomes JobParam/TemplateId.
	TemplateID string
	// JobParamXML and OutputXML are XML fragments passed through into <JobParam> and <Output>, for elements
	// this package does not model, e.g. "<Snapshot><Mode>Interval</Mode></Snapshot>".
	JobParamXML string
	// OutputRegion, OutputBucket and OutputObject set <Output>; OutputObject may hold ${InputName} etc.
	OutputRegion, OutputBucket, OutputObject string
	OutputXML                                string
	QueueID, UserData                        string
	JobLevel                                 *int   // 0..2
	CallBack, CallBackFormat, CallBackType   string // format and type in any letter case
	// QueueType is e.g. "SpeedTranscoding".
	QueueType string
	// CallBackMqConfig is the TDMQ target (CallBackType "TDMQ"); CallBackKafkaConfig the Kafka one (it sets
	// CallBackType "Kafka").
	CallBackMqConfig    *CallBackMqConfig
	CallBackKafkaConfig *CallBackKafkaConfig
	Start, End          string
	StartAt, EndAt      time.Time // instead of Start, End
	// OperationXML is passed through into <Operation>.
	OperationXML string
}

// CallBackMqConfig is a TDMQ callback target; empty fields are left out.
type CallBackMqConfig struct {
	MqMode, MqRegion, MqName string
}

// CallBackKafkaConfig is a Kafka callback target; empty fields are left out.
type CallBackKafkaConfig struct {
	Region, InstanceID, Topic string
}

// CreateJob creates a Job-type job. It is not retried unless Config.RetryCreate is set.
func (c *Client) CreateJob(ctx context.Context, r JobRequest) (Job, error) {
	kind, value, err := r.Input.kind()
	if err != nil {
		return Job{}, err
	}
	if err := checkText("JobRequest", r.Name, r.Tag, r.TemplateID, r.JobParamXML, r.OutputRegion, r.OutputBucket,
		r.OutputObject, r.OutputXML, r.QueueID, r.UserData, r.CallBack, r.CallBackFormat, r.CallBackType, r.Start,
		r.End, r.OperationXML, r.QueueType); err != nil {
		return Job{}, err
	}
	if mq := r.CallBackMqConfig; mq != nil {
		if err := checkText("CallBackMqConfig", mq.MqMode, mq.MqRegion, mq.MqName); err != nil {
			return Job{}, err
		}
	}
	if k := r.CallBackKafkaConfig; k != nil {
		if err := checkText("CallBackKafkaConfig", k.Region, k.InstanceID, k.Topic); err != nil {
			return Job{}, err
		}
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return Job{}, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return Job{}, err
	}
	var strs []*C.char
	defer func() {
		for _, s := range strs {
			free(s)
		}
	}()
	s := func(v string) *C.char {
		p := cstrOpt(v)
		strs = append(strs, p)
		return p
	}
	var req *C.cibatch_job_request
	var cerr *C.cibatch_error
	if err := check(C.cibatch_job_request_new(s(r.Name), s(r.Tag), kind, s(value), &req, &cerr), cerr); err != nil {
		return Job{}, err
	}
	defer C.cibatch_job_request_free(req)
	steps := []func() C.cibatch_result{}
	if r.TemplateID != "" {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_add_param(req, s("TemplateId"), s(r.TemplateID), &cerr)
		})
	}
	if r.JobParamXML != "" {
		steps = append(steps, func() C.cibatch_result { return C.cibatch_job_request_add_param_xml(req, s(r.JobParamXML), &cerr) })
	}
	if r.OutputRegion != "" || r.OutputBucket != "" || r.OutputObject != "" {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_set_output(req, s(r.OutputRegion), s(r.OutputBucket), s(r.OutputObject), &cerr)
		})
	}
	if r.OutputXML != "" {
		steps = append(steps, func() C.cibatch_result { return C.cibatch_job_request_add_output_xml(req, s(r.OutputXML), &cerr) })
	}
	if r.QueueID != "" || r.UserData != "" || r.CallBack != "" || r.CallBackFormat != "" || r.CallBackType != "" {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_set_options(req, s(r.QueueID), s(r.UserData), s(r.CallBack),
				s(r.CallBackFormat), s(r.CallBackType), &cerr)
		})
	}
	if r.JobLevel != nil {
		level := *r.JobLevel
		if level < 0 || level > 255 {
			level = 255 // refused by the library with a clear error
		}
		steps = append(steps, func() C.cibatch_result { return C.cibatch_job_request_set_job_level(req, C.uint8_t(level), &cerr) })
	}
	if r.QueueType != "" {
		steps = append(steps, func() C.cibatch_result { return C.cibatch_job_request_set_queue_type(req, s(r.QueueType), &cerr) })
	}
	if mq := r.CallBackMqConfig; mq != nil {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_set_callback_mq(req, s(mq.MqMode), s(mq.MqRegion), s(mq.MqName), &cerr)
		})
	}
	if k := r.CallBackKafkaConfig; k != nil {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_set_callback_kafka(req, s(k.Region), s(k.InstanceID), s(k.Topic), &cerr)
		})
	}
	if r.Start != "" || r.End != "" {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_set_time_interval(req, s(r.Start), s(r.End), &cerr)
		})
	}
	if r.OperationXML != "" {
		steps = append(steps, func() C.cibatch_result {
			return C.cibatch_job_request_add_operation_xml(req, s(r.OperationXML), &cerr)
		})
	}
	for _, step := range steps {
		if err := check(step(), cerr); err != nil {
			return Job{}, err
		}
	}
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_create_job(h, req, out, cerr)
	})
}

// CancelJob cancels a job. Cancelling a job that already ended is a *ServiceError, except within one call: a
// retried attempt (the earlier answer was lost) refused while the job is now Cancel is success.
func (c *Client) CancelJob(ctx context.Context, jobID string) error {
	if err := checkText("jobID", jobID); err != nil {
		return err
	}
	return c.use(ctx, func(h *C.cibatch_client) error {
		id := cstr(jobID)
		defer free(id)
		var cerr *C.cibatch_error
		return check(C.cibatch_client_cancel_job(h, id, &cerr), cerr)
	})
}

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
	if err := checkText("jobID", jobID); err != nil {
		return Job{}, err
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
	id := cstr(jobID)
	defer free(id)
	job, err := c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_go_wait(h, id, ms[0], ms[1], ms[2], C.uintptr_t(handle), out, cerr)
	})
	if st.caught != nil {
		st.caught.raise()
	}
	return job, err
}
