package cibatch_test

// User callbacks and cancellation: what a callback does (panic, Goexit, Close, a call on the client) can neither
// wedge, crash nor leak the client, and a context's end reaches the library. Every test runs under a watchdog, so a
// regression fails with the goroutines' stacks instead of hanging; no test waits for a race to be won.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

// watchdog crashes the test binary with every goroutine's stack if the test runs longer than d.
func watchdog(t *testing.T, d time.Duration) {
	t.Helper()
	name := t.Name()
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("watchdog: %s still running after %v\n%s", name, d, buf[:n]))
	})
	t.Cleanup(func() { timer.Stop() })
}

// prompt is far below what the blocked operation would take (a 20-30 s delay or interval).
const prompt = 10 * time.Second

// handlerFunc is an slog.Handler that calls f for each record.
type handlerFunc func(slog.Record)

func (h handlerFunc) Enabled(context.Context, slog.Level) bool      { return true }
func (h handlerFunc) Handle(_ context.Context, r slog.Record) error { h(r); return nil }
func (h handlerFunc) WithAttrs([]slog.Attr) slog.Handler            { return h }
func (h handlerFunc) WithGroup(string) slog.Handler                 { return h }

// keysOf is a provider giving the emulator's keys, valid for an hour.
func keysOf(emu *cibatch.Emulator) func() (cibatch.Credentials, error) {
	return func() (cibatch.Credentials, error) {
		return cibatch.Credentials{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Token: emu.Token(),
			Expires: time.Now().Add(time.Hour)}, nil
	}
}

func manyJobs(t *testing.T, c *cibatch.Client, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		createWorkflow(t, c, fmt.Sprintf("job-%d", i))
	}
}

// Item 1: an iterator keeps what it calls back alive, whether the client is closed from OnPage or finalized.
func TestIteratorOutlivesClose(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	manyJobs(t, c, 25)
	cfg := emu.Config()
	var logged atomic.Int64
	cfg.Logger = slog.New(handlerFunc(func(slog.Record) { logged.Add(1) }))
	cfg.CredentialsProvider = keysOf(emu)
	cfg.SecretID, cfg.SecretKey, cfg.Token = "", "", ""

	// Closed from OnPage: the remaining pages still come, with the Logger and the provider alive.
	closing := must(cibatch.NewClient(cfg))
	jobs, pages := 0, 0
	for _, err := range closing.AllJobs(context.Background(), cibatch.ListOptions{Type: "Workflow", Size: 10,
		OnPage: func(page, _ int) { pages = page; closing.Close() }}) {
		noErr(t, err)
		jobs++
	}
	if jobs != 25 || pages != 3 {
		t.Fatalf("after Close in OnPage: %d jobs in %d pages", jobs, pages)
	}

	// Reachable only through the iterator: the finalizer runs between pages.
	iterate := func() func(func(cibatch.Job, error) bool) {
		c := must(cibatch.NewClient(cfg))
		return c.AllJobs(context.Background(), cibatch.ListOptions{Size: 10, OnPage: func(int, int) {
			runtime.GC()
			runtime.GC()
		}})
	}
	for round := 0; round < 5; round++ {
		jobs = 0
		for _, err := range iterate() {
			noErr(t, err)
			jobs++
		}
		if jobs != 25 {
			t.Fatalf("round %d: %d jobs", round, jobs)
		}
	}
	// A second client with a provider still works (the first ones' handles were released, not leaked as locks).
	other := must(cibatch.NewClient(cfg))
	defer other.Close()
	for _, err := range other.AllJobs(context.Background(), cibatch.ListOptions{Size: 100}) {
		noErr(t, err)
	}
	if logged.Load() == 0 {
		t.Fatal("the logger was never called")
	}
}

// recoverFrom runs f on a goroutine of its own and reports its panic value, or that it called runtime.Goexit.
func recoverFrom(f func()) (value any, goexit bool) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		returned := false
		defer func() {
			if !returned {
				if value = recover(); value == nil {
					goexit = true
				}
			}
		}()
		f()
		returned = true
	}()
	<-done
	return value, goexit
}

// Item 2: a panic or Goexit in a callback is raised again on the caller's goroutine, and the client stays usable.
func TestPanicsAndGoexitInCallbacksReachTheCaller(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()

	// A Logger that panics on the "credentials refreshed" line, logged right after a refresh.
	var panics atomic.Int64
	cfg := emu.Config()
	cfg.SecretID, cfg.SecretKey, cfg.Token = "", "", ""
	cfg.CredentialsProvider = func() (cibatch.Credentials, error) {
		// Expiring inside the refresh margin: every call refreshes, and logs.
		c, err := keysOf(emu)()
		c.Expires = time.Now().Add(time.Minute)
		return c, err
	}
	cfg.Logger = slog.New(handlerFunc(func(r slog.Record) {
		if strings.HasPrefix(r.Message, "credentials refreshed") && panics.Add(1) <= 3 {
			panic("logger bug")
		}
	}))
	c := must(cibatch.NewClient(cfg))
	defer c.Close()
	for i := 0; i < 3; i++ {
		v, goexit := recoverFrom(func() { c.ListJobs(ctx, cibatch.ListOptions{}) })
		if v != "logger bug" || goexit {
			t.Fatalf("call %d: recovered %v (goexit %v)", i, v, goexit)
		}
	}
	// Not deadlocked, with or without a deadline.
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = must(c.ListJobs(short, cibatch.ListOptions{}))

	// runtime.Goexit in the provider (what t.FailNow does there) ends the calling goroutine, not the client.
	var exits atomic.Int64
	cfg2 := emu.Config()
	cfg2.SecretID, cfg2.SecretKey, cfg2.Token = "", "", ""
	cfg2.CredentialsProvider = func() (cibatch.Credentials, error) {
		if exits.Add(1) == 1 {
			runtime.Goexit()
		}
		return keysOf(emu)()
	}
	c2 := must(cibatch.NewClient(cfg2))
	if _, goexit := recoverFrom(func() { c2.ListJobs(ctx, cibatch.ListOptions{}) }); !goexit {
		t.Fatal("Goexit in the provider did not end the calling goroutine")
	}
	_ = must(c2.ListJobs(ctx, cibatch.ListOptions{}))
	c2.Close()

	// A panicking provider under a deadline runs on a helper thread: the panic still reaches the caller.
	cfg3 := emu.Config()
	cfg3.SecretID, cfg3.SecretKey, cfg3.Token = "", "", ""
	cfg3.CredentialsProvider = func() (cibatch.Credentials, error) { panic("provider bug") }
	c3 := must(cibatch.NewClient(cfg3))
	defer c3.Close()
	bounded, cancel3 := context.WithTimeout(ctx, 30*time.Second)
	defer cancel3()
	if v, _ := recoverFrom(func() { c3.ListJobs(bounded, cibatch.ListOptions{}) }); v != "provider bug" {
		t.Fatalf("provider panic under a deadline: %v", v)
	}
}

// Item 3: calls and Close from inside callbacks neither deadlock nor break the outer call.
func TestCallsAndCloseFromInsideCallbacks(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	job := createWorkflow(t, c, "reentry")

	// DescribeJob inside OnState while another goroutine is in Close, then Close from inside OnState.
	w := must(cibatch.NewClient(emu.Config()))
	var inner error
	got := must(w.WaitForJob(ctx, job.JobID, cibatch.WaitOptions{PollInterval: 20 * time.Millisecond,
		OnState: func(j cibatch.Job) {
			if j.State == "Submitted" {
				done := make(chan struct{})
				go func() { w.Close(); close(done) }()
				<-done // Close returned while this call is in progress
				_, inner = w.DescribeJob(ctx, job.JobID)
				w.Close()
			}
		}}))
	if got.State != "Success" {
		t.Fatalf("the wait went on to %q", got.State)
	}
	if !errors.Is(inner, cibatch.ErrClosed) {
		t.Fatalf("a call that starts after Close: %v", inner)
	}

	// Close from inside the Logger and the provider; a call on the same client from inside the provider.
	var fromProvider error
	var self *cibatch.Client
	cfg := emu.Config()
	cfg.SecretID, cfg.SecretKey, cfg.Token = "", "", ""
	cfg.CredentialsProvider = func() (cibatch.Credentials, error) {
		_, fromProvider = self.DescribeJob(ctx, job.JobID)
		return keysOf(emu)()
	}
	cfg.Logger = slog.New(handlerFunc(func(slog.Record) { self.Close() }))
	self = must(cibatch.NewClient(cfg))
	_ = must(self.ListJobs(ctx, cibatch.ListOptions{}))
	if !errors.Is(fromProvider, cibatch.ErrCredentials) {
		t.Fatalf("a call on the same client from inside the provider: %v", fromProvider)
	}
	if _, err := self.ListJobs(ctx, cibatch.ListOptions{}); !errors.Is(err, cibatch.ErrClosed) {
		t.Fatalf("Close from inside the Logger: %v", err)
	}
}

// Item 4: cancelling a context stops the call in the library: a request in flight, a backoff, a wait's interval,
// and a slow provider under a deadline.
func TestCancellationReachesTheLibrary(t *testing.T) {
	watchdog(t, 120*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	job := createWorkflow(t, c, "cancel")
	cancelWhenSent := func(cancel context.CancelFunc) {
		before := emu.RequestCount()
		go func() {
			for emu.RequestCount() == before {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
	}
	calls := map[string]func(context.Context) error{
		"DescribeJob":  func(ctx context.Context) error { _, err := c.DescribeJob(ctx, job.JobID); return err },
		"DescribeJobs": func(ctx context.Context) error { _, err := c.DescribeJobs(ctx, []string{job.JobID}); return err },
		"ListJobs":     func(ctx context.Context) error { _, err := c.ListJobs(ctx, cibatch.ListOptions{}); return err },
		"CancelJob":    func(ctx context.Context) error { return c.CancelJob(ctx, job.JobID) },
		"CreateWorkflowJob": func(ctx context.Context) error {
			_, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "x", WorkflowID: "w1",
				Input: cibatch.Input{Prefix: "p/"}})
			return err
		},
	}
	for name, call := range calls {
		noErr(t, emu.InjectDelay(30*time.Second, 1))
		ctx, cancel := context.WithCancel(context.Background())
		cancelWhenSent(cancel)
		started := time.Now()
		err := call(ctx)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, cibatch.ErrCancelled) || time.Since(started) > prompt {
			t.Fatalf("%s: %v after %v", name, err, time.Since(started))
		}
		emu.ClearFaults()
	}

	// A backoff: 503 with a 20 s base backoff.
	slow := emu.Config()
	slow.BackoffBase, slow.BackoffCap = 20*time.Second, 20*time.Second
	s := must(cibatch.NewClient(slow))
	defer s.Close()
	noErr(t, emu.InjectStatus(503, "InternalError", 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancelWhenSent(cancel)
	started := time.Now()
	if _, err := s.ListJobs(ctx, cibatch.ListOptions{}); !errors.Is(err, context.Canceled) || time.Since(started) > prompt {
		t.Fatalf("backoff: %v after %v", err, time.Since(started))
	}
	emu.ClearFaults()

	// A wait's 30 s poll interval.
	noErr(t, emu.SetJobState(job.JobID, "Running"))
	ctx, cancel = context.WithCancel(context.Background())
	started = time.Now()
	_, err := c.WaitForJob(ctx, job.JobID, cibatch.WaitOptions{PollInterval: 30 * time.Second,
		OnState: func(cibatch.Job) { cancel() }})
	if !errors.Is(err, context.Canceled) || time.Since(started) > prompt {
		t.Fatalf("wait: %v after %v", err, time.Since(started))
	}

	// A provider that takes 20 s, under a 500 ms deadline.
	release := make(chan struct{})
	cfg := emu.Config()
	cfg.SecretID, cfg.SecretKey, cfg.Token = "", "", ""
	cfg.CredentialsProvider = func() (cibatch.Credentials, error) {
		select {
		case <-release:
		case <-time.After(20 * time.Second):
		}
		return keysOf(emu)()
	}
	p := must(cibatch.NewClient(cfg))
	defer p.Close()
	short, cancelShort := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancelShort()
	started = time.Now()
	if _, err := p.ListJobs(short, cibatch.ListOptions{}); !errors.Is(err, context.DeadlineExceeded) || time.Since(started) > prompt {
		t.Fatalf("slow provider: %v after %v", err, time.Since(started))
	}
	close(release)
}

// Item 5: numeric options are checked, never wrapped; a tiny poll interval is raised to the floor.
func TestConfigRangesAreChecked(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	bad := map[string]func(*cibatch.Config){
		"MaxXMLDepth 1<<32":    func(c *cibatch.Config) { c.MaxXMLDepth = 1 << 32 },
		"MaxXMLDepth 257":      func(c *cibatch.Config) { c.MaxXMLDepth = 257 },
		"MaxXMLDepth -1":       func(c *cibatch.Config) { c.MaxXMLDepth = -1 },
		"MaxAttempts 1<<32":    func(c *cibatch.Config) { c.MaxAttempts = 1 << 32 },
		"MaxAttempts 11":       func(c *cibatch.Config) { c.MaxAttempts = 11 },
		"Timeout -1s":          func(c *cibatch.Config) { c.Timeout = -time.Second },
		"Timeout 25h":          func(c *cibatch.Config) { c.Timeout = 25 * time.Hour },
		"BackoffCap 48h":       func(c *cibatch.Config) { c.BackoffCap = 48 * time.Hour },
		"MaxResponseBytes 2GB": func(c *cibatch.Config) { c.MaxResponseBytes = 2 << 30 },
		"ClockOffset 2 days":   func(c *cibatch.Config) { c.ClockOffset = 48 * time.Hour },
		"UserAgent 600 bytes":  func(c *cibatch.Config) { c.UserAgent = strings.Repeat("u", 600) },
	}
	for name, edit := range bad {
		cfg := emu.Config()
		edit(&cfg)
		if _, err := cibatch.NewClient(cfg); !errors.Is(err, cibatch.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	job := createWorkflow(t, c, "floor")
	before := emu.RequestCount()
	_, err := c.WaitForJob(context.Background(), job.JobID,
		cibatch.WaitOptions{MaxWait: 300 * time.Millisecond, PollInterval: time.Nanosecond, MaxInterval: time.Nanosecond})
	if !errors.Is(err, cibatch.ErrTimeout) {
		t.Fatalf("wait: %v", err)
	}
	// One poll per 10 ms at most, plus the one at the deadline; 1 ns gave hundreds.
	if polls := emu.RequestCount() - before; polls > 32 {
		t.Fatalf("%d polls in 300 ms", polls)
	}
	if _, err := c.WaitForJob(context.Background(), job.JobID, cibatch.WaitOptions{MaxWait: 48 * time.Hour}); !errors.Is(err, cibatch.ErrInvalidArgument) {
		t.Fatalf("MaxWait 48h: %v", err)
	}
}

// Close races with calls on many goroutines: calls in progress finish, later ones get ErrClosed.
func TestCloseWhileCalling(t *testing.T) {
	watchdog(t, 120*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	job := createWorkflow(t, c, "race")
	for round := 0; round < 20; round++ {
		client := must(cibatch.NewClient(emu.Config()))
		var started, wg sync.WaitGroup
		started.Add(8)
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first := true
				for {
					_, err := client.DescribeJob(context.Background(), job.JobID)
					if first {
						started.Done()
						first = false
					}
					if errors.Is(err, cibatch.ErrClosed) {
						return
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		started.Wait()
		client.Close()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

// A wait ends by its own MaxWait even when every poll stalls (each poll used to take 3 attempts x 60 s).
func TestWaitEndsByItsOwnDeadline(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	job := createWorkflow(t, c, "stalled")
	noErr(t, emu.InjectDelay(20*time.Second, 10))
	defer emu.ClearFaults()
	started := time.Now()
	_, err := c.WaitForJob(context.Background(), job.JobID, cibatch.WaitOptions{MaxWait: 300 * time.Millisecond})
	if !errors.Is(err, cibatch.ErrTimeout) || time.Since(started) > prompt {
		t.Fatalf("%v after %v", err, time.Since(started))
	}
}

// Credentials inside the refresh margin (5 minutes) are refreshed by the next call, once for all the goroutines
// that call meanwhile: a slow provider, 8 callers per round, 3 rounds, exactly 3 refreshes.
func TestOneRefreshPerExpiryUnderContention(t *testing.T) {
	const callers, rounds = 8, 3
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	arrived, refreshes := 0, 0
	cfg := emu.Config()
	cfg.SecretID, cfg.SecretKey = "", ""
	cfg.CredentialsProvider = func() (cibatch.Credentials, error) {
		mu.Lock()
		refreshes++
		// Hold the refresh until every caller of this round has started its call (a generous bound), then a
		// little longer so that each reaches the wait for this refresh.
		deadline := time.Now().Add(30 * time.Second)
		for arrived < callers*refreshes && time.Now().Before(deadline) {
			waitFor(cond, 100*time.Millisecond)
		}
		mu.Unlock()
		time.Sleep(300 * time.Millisecond)
		// Expires in a minute: inside the margin, so the next round must refresh again.
		return cibatch.Credentials{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Token: emu.Token(),
			Expires: time.Now().Add(time.Minute)}, nil
	}
	c := must(cibatch.NewClient(cfg))
	defer c.Close()
	for r := 1; r <= rounds; r++ {
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for i := 0; i < callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				arrived++
				cond.Broadcast()
				mu.Unlock()
				if _, err := c.ListJobs(context.Background(), cibatch.ListOptions{}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		mu.Lock()
		got := refreshes
		mu.Unlock()
		if got != r {
			t.Fatalf("round %d: %d refreshes in all", r, got)
		}
	}
}

// waitFor waits on cond (its lock held) until woken or d passes.
func waitFor(cond *sync.Cond, d time.Duration) {
	timer := time.AfterFunc(d, cond.Broadcast)
	cond.Wait()
	timer.Stop()
}
