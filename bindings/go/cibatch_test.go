package cibatch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

const wf = "w7476ff3564ee45b7b490d64bccaba6cc"

func setup(t *testing.T, o cibatch.EmulatorOptions) (*cibatch.Emulator, *cibatch.Client) {
	t.Helper()
	if o.Submitted == 0 {
		o.Submitted, o.Running = 100*time.Millisecond, 200*time.Millisecond
	}
	emu, err := cibatch.StartEmulator(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	c, err := cibatch.NewClient(emu.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return emu, c
}

// must returns v, failing the test (by panicking, which the test runner reports) when err is set.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func createWorkflow(t *testing.T, c *cibatch.Client, name string) cibatch.Job {
	t.Helper()
	return must(c.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{
		Name: name, WorkflowID: wf, Input: cibatch.Input{Prefix: "input/"},
		Start: "2022-02-01T12:00:00+0800", End: "2022-05-01T12:00:00+0800",
	}))
}

func TestCreateDescribeCancel(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	job := createWorkflow(t, c, "go-workflow")
	if job.State != "Submitted" || job.Type != "Workflow" || job.Name != "go-workflow" || job.IsTerminal() {
		t.Fatalf("unexpected job %+v", job)
	}
	if job.Prefix != "input/" || job.WorkflowIDs != wf || job.TimeIntervalStart != "2022-02-01T12:00:00+0800" {
		t.Fatalf("echo lost: %+v", job)
	}
	if job.StartTime != "" || !strings.HasPrefix(job.RawXML, "<JobsDetail>") || len(job.JobID) != 33 {
		t.Fatalf("fields: %+v", job)
	}

	level := 2
	j2 := must(c.CreateJob(ctx, cibatch.JobRequest{
		Name: "go_job", Tag: "Snapshot", Input: cibatch.Input{Object: "in/a b.mp4"}, TemplateID: "t1",
		JobParamXML: "<Snapshot><Mode>Interval</Mode></Snapshot>", OutputRegion: "ap-chongqing",
		OutputBucket: "test-1234567890", OutputObject: "o/${InputName}.jpg", OutputXML: "<SpriteObject>s.jpg</SpriteObject>",
		QueueID: "p1", UserData: "u", JobLevel: &level, CallBack: "https://cb", CallBackFormat: "JSON", CallBackType: "Url",
		OperationXML: "<Future>v</Future>",
	}))
	if j2.Type != "Job" || j2.Name != "go_job" || j2.Tag != "Snapshot" || j2.TemplateID != "t1" || j2.Object != "in/a b.mp4" {
		t.Fatalf("job: %+v", j2)
	}
	if !strings.Contains(j2.JobParamXML, "<Mode>Interval</Mode>") || j2.OutputBucket != "test-1234567890" ||
		!strings.Contains(j2.OutputXML, "<SpriteObject>s.jpg</SpriteObject>") || j2.JobLevel != 2 ||
		j2.QueueID != "p1" || j2.CallBackFormat != "JSON" || !strings.Contains(j2.RawXML, "<Future>v</Future>") {
		t.Fatalf("job fields: %+v", j2)
	}

	got := must(c.DescribeJob(ctx, job.JobID))
	if got.JobID != job.JobID {
		t.Fatal("describe one")
	}
	missing := "b00000000000000000000000000000000"
	res := must(c.DescribeJobs(ctx, []string{job.JobID, missing, j2.JobID}))
	if len(res.Jobs) != 2 || res.Jobs[1].JobID != j2.JobID || len(res.NonExistJobIDs) != 1 ||
		res.NonExistJobIDs[0] != missing || res.RequestID == "" {
		t.Fatalf("describe several: %+v", res)
	}
	_, err := c.DescribeJob(ctx, missing)
	if !errors.Is(err, cibatch.ErrJobNotFound) {
		t.Fatalf("want ErrJobNotFound, got %v", err)
	}

	if err := c.CancelJob(ctx, job.JobID); err != nil {
		t.Fatal(err)
	}
	if s := must(c.DescribeJob(ctx, job.JobID)).State; s != "Cancel" {
		t.Fatalf("state after cancel %s", s)
	}
	err = c.CancelJob(ctx, job.JobID)
	var se *cibatch.ServiceError
	if !errors.As(err, &se) || se.Status != 400 || se.Code != "InvalidArgument" || se.RequestID == "" ||
		se.TraceID == "" || se.Attempts != 1 || !errors.Is(err, cibatch.ErrService) {
		t.Fatalf("second cancel: %v", err)
	}
	_ = emu
}

func TestListFiltersAndPaging(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	var ids []string
	for i := 0; i < 23; i++ {
		ids = append(ids, createWorkflow(t, c, fmt.Sprintf("wf-%d", i)).JobID)
	}
	must(c.CreateJob(ctx, cibatch.JobRequest{Name: "job", Tag: "Transcode", Input: cibatch.Input{Prefix: "p/"}}))
	if err := emu.SetJobState(ids[0], "Running"); err != nil {
		t.Fatal(err)
	}

	page := must(c.ListJobs(ctx, cibatch.ListOptions{Type: "Workflow", Size: 10, OrderByTime: "Asc"}))
	if len(page.Jobs) != 10 || page.Jobs[0].JobID != ids[0] || page.NextToken == "" {
		t.Fatalf("first page: %d jobs, token %q", len(page.Jobs), page.NextToken)
	}
	var all []string
	var pages []int
	for job, err := range c.AllJobs(ctx, cibatch.ListOptions{Type: "Workflow", Size: 7, OrderByTime: "Asc",
		OnPage: func(page, _ int) { pages = append(pages, page) }}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, job.JobID)
	}
	if strings.Join(all, ",") != strings.Join(ids, ",") {
		t.Fatalf("paging to the end: got %d jobs", len(all))
	}
	if fmt.Sprint(pages) != "[1 2 3 4]" {
		t.Fatalf("page progress %v", pages)
	}
	// Breaking out of the loop early is fine.
	n := 0
	for range c.AllJobs(ctx, cibatch.ListOptions{Size: 2}) {
		n++
		if n == 3 {
			break
		}
	}
	running := must(c.ListJobs(ctx, cibatch.ListOptions{States: []string{"Running"}}))
	if len(running.Jobs) != 1 || running.Jobs[0].JobID != ids[0] {
		t.Fatalf("states filter: %+v", running.Jobs)
	}
	byName := must(c.ListJobs(ctx, cibatch.ListOptions{Name: "wf-3"}))
	if len(byName.Jobs) != 1 || byName.Jobs[0].JobID != ids[3] {
		t.Fatal("name filter")
	}
	jobs := must(c.ListJobs(ctx, cibatch.ListOptions{Type: "Job"}))
	if len(jobs.Jobs) != 1 {
		t.Fatal("type filter")
	}
	if got := must(c.ListJobs(ctx, cibatch.ListOptions{WorkflowID: "wother"})); len(got.Jobs) != 0 {
		t.Fatal("workflow filter")
	}
	if got := must(c.ListJobs(ctx, cibatch.ListOptions{JobID: ids[5]})); len(got.Jobs) != 1 {
		t.Fatal("job id filter")
	}
	past := time.Now().Add(-time.Hour).Format("2006-01-02T15:04:05-0700")
	if got := must(c.ListJobs(ctx, cibatch.ListOptions{EndCreationTime: past})); len(got.Jobs) != 0 {
		t.Fatal("time filter")
	}
}

func TestWait(t *testing.T) {
	// Each describe moves a job one state on: no poll can miss a state, and FailJob cannot come after the job's
	// end, however busy the machine (-race, GOGC=1, load).
	emu, c := setup(t, cibatch.EmulatorOptions{Clock: cibatch.ClockPerDescribe})
	ctx := context.Background()
	job := createWorkflow(t, c, "wait")
	var seen []string
	done := must(c.WaitForJob(ctx, job.JobID, cibatch.WaitOptions{
		PollInterval: 20 * time.Millisecond, MaxInterval: 50 * time.Millisecond,
		OnState: func(j cibatch.Job) { seen = append(seen, j.State) },
	}))
	if done.State != "Success" || strings.Join(seen, ",") != "Submitted,Running,Success" || done.EndTime == "" {
		t.Fatalf("wait: %s, seen %v", done.State, seen)
	}

	failing := createWorkflow(t, c, "fails")
	if err := emu.FailJob(failing.JobID, "InvalidInput", "not a video"); err != nil {
		t.Fatal(err)
	}
	done = must(c.WaitForJob(ctx, failing.JobID, cibatch.WaitOptions{PollInterval: 20 * time.Millisecond}))
	if done.State != "Failed" || done.Code != "InvalidInput" || done.Message != "not a video" {
		t.Fatalf("failed job: %+v", done)
	}

	// A clock only the test moves.
	if err := emu.SetClock(cibatch.ClockManual); err != nil {
		t.Fatal(err)
	}
	held := createWorkflow(t, c, "held")
	if s := must(c.DescribeJob(ctx, held.JobID)).State; s != "Submitted" {
		t.Fatalf("manual clock moved: %s", s)
	}
	emu.Advance(time.Hour)
	if s := must(c.DescribeJob(ctx, held.JobID)).State; s != "Success" {
		t.Fatalf("after Advance: %s", s)
	}
	if err := emu.SetClock(cibatch.EmulatorClock(9)); !errors.Is(err, cibatch.ErrInvalidArgument) {
		t.Fatalf("unknown clock: %v", err)
	}
}

func TestWaitStopsWithTheContext(t *testing.T) {
	_, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	job := createWorkflow(t, c, "slow")

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.WaitForJob(ctx, job.JobID, cibatch.WaitOptions{PollInterval: 50 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cibatch.ErrTimeout) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("the wait outlived its context")
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel2() }()
	_, err = c.WaitForJob(ctx2, job.JobID, cibatch.WaitOptions{PollInterval: 20 * time.Millisecond})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, cibatch.ErrCancelled) {
		t.Fatalf("want cancellation, got %v", err)
	}

	_, err = c.WaitForJob(context.Background(), job.JobID, cibatch.WaitOptions{MaxWait: 200 * time.Millisecond,
		PollInterval: 50 * time.Millisecond})
	var e *cibatch.Error
	if !errors.As(err, &e) || e.Kind != cibatch.KindWaitTimeout || !errors.Is(err, cibatch.ErrTimeout) {
		t.Fatalf("MaxWait: %v", err)
	}
	// A context already done sends nothing.
	done, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := c.DescribeJob(done, job.JobID); !errors.Is(err, context.Canceled) {
		t.Fatalf("done context: %v", err)
	}
}

func TestPanicInOnStateReachesTheCaller(t *testing.T) {
	_, c := setup(t, cibatch.EmulatorOptions{})
	job := createWorkflow(t, c, "panics")
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v", r)
		}
	}()
	c.WaitForJob(context.Background(), job.JobID, cibatch.WaitOptions{OnState: func(cibatch.Job) { panic("boom") }})
	t.Fatal("no panic")
}

func TestErrorTypes(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	var e *cibatch.Error

	_, err := cibatch.NewClient(cibatch.Config{Bucket: "evil.com/x-125", Region: "ap-beijing", SecretID: "i", SecretKey: "k"})
	if !errors.As(err, &e) || e.Argument != "bucket" || !errors.Is(err, cibatch.ErrInvalidArgument) {
		t.Fatalf("bad bucket: %v", err)
	}

	cfg := emu.Config()
	cfg.Endpoint, cfg.MaxAttempts = "http://127.0.0.1:1", 2
	dead := must(cibatch.NewClient(cfg))
	defer dead.Close()
	_, err = dead.ListJobs(ctx, cibatch.ListOptions{})
	if !errors.As(err, &e) || e.Kind != cibatch.KindTransport || e.Attempts != 2 || errors.Is(err, cibatch.ErrTimeout) {
		t.Fatalf("refused: %v", err)
	}

	cfg = emu.Config()
	cfg.SecretKey = "wrong-key"
	wrong := must(cibatch.NewClient(cfg))
	defer wrong.Close()
	_, err = wrong.ListJobs(ctx, cibatch.ListOptions{})
	var se *cibatch.ServiceError
	if !errors.As(err, &se) || se.Status != 403 || se.Code != "AccessDenied" || strings.Contains(err.Error(), "wrong-key") {
		t.Fatalf("wrong key: %v", err)
	}

	noErr(t, emu.Inject(cibatch.FaultMalformedXML, 5))
	_, err = c.ListJobs(ctx, cibatch.ListOptions{})
	if !errors.Is(err, cibatch.ErrInvalidResponse) || !errors.As(err, &e) || e.Attempts != 3 {
		t.Fatalf("malformed: %v", err)
	}
	emu.ClearFaults()

	noErr(t, emu.InjectDelay(2*time.Second, 1))
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = c.ListJobs(short, cibatch.ListOptions{})
	if !errors.Is(err, cibatch.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	emu.ClearFaults()

	before := emu.RequestCount()
	noErr(t, emu.InjectStatus(503, "SlowDown", 1))
	must(c.ListJobs(ctx, cibatch.ListOptions{}))
	if emu.RequestCount()-before != 2 {
		t.Fatal("SlowDown was not retried once")
	}

	jobs := emu.JobCount()
	noErr(t, emu.Inject(cibatch.FaultCutBody, 1))
	_, err = c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "once", WorkflowID: wf, Input: cibatch.Input{Prefix: "p"}})
	if !errors.Is(err, cibatch.ErrOutcomeUnknown) || !errors.Is(err, cibatch.ErrTransport) || emu.JobCount() != jobs+1 {
		t.Fatalf("create must not be repeated: %v (%d jobs)", err, emu.JobCount()-jobs)
	}

	if _, err := cibatch.StartEmulator(cibatch.EmulatorOptions{Port: portOf(emu)}); !errors.As(err, &e) || e.Kind != cibatch.KindIO {
		t.Fatalf("port in use: %v", err)
	}
}

func portOf(emu *cibatch.Emulator) uint16 {
	var p uint16
	fmt.Sscanf(emu.Endpoint()[strings.LastIndex(emu.Endpoint(), ":")+1:], "%d", &p)
	return p
}

func TestBadInputsNeverReachTheWire(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	before := emu.RequestCount()
	for _, id := range []string{"", "a/b", "..", "a,b", "a?b", "a#b", "a%2F", "a b", "a\r\nb", "a\x00b", "ü", "\xff"} {
		if _, err := c.DescribeJob(ctx, id); !errors.Is(err, cibatch.ErrInvalidArgument) {
			t.Errorf("DescribeJob(%q): %v", id, err)
		}
		if err := c.CancelJob(ctx, id); !errors.Is(err, cibatch.ErrInvalidArgument) {
			t.Errorf("CancelJob(%q): %v", id, err)
		}
	}
	bad := []error{
		func() error { _, err := c.ListJobs(ctx, cibatch.ListOptions{Size: 101}); return err }(),
		func() error { _, err := c.ListJobs(ctx, cibatch.ListOptions{OrderByTime: "Up"}); return err }(),
		func() error { _, err := c.DescribeJobs(ctx, nil); return err }(),
		func() error {
			_, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "n", WorkflowID: wf})
			return err
		}(),
		func() error {
			_, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "n", WorkflowID: wf,
				Input: cibatch.Input{Prefix: "a", Object: "b"}})
			return err
		}(),
		func() error {
			l := 9
			_, err := c.CreateJob(ctx, cibatch.JobRequest{Name: "n", Tag: "T", Input: cibatch.Input{Prefix: "p"}, JobLevel: &l})
			return err
		}(),
		func() error {
			_, err := c.CreateJob(ctx, cibatch.JobRequest{Name: "n", Tag: "T", Input: cibatch.Input{Prefix: "p"},
				JobParamXML: "<Open>"})
			return err
		}(),
	}
	for i, err := range bad {
		if !errors.Is(err, cibatch.ErrInvalidArgument) {
			t.Errorf("bad input %d: %v", i, err)
		}
	}
	if emu.RequestCount() != before || emu.JobCount() != 0 {
		t.Fatal("a bad input reached the wire")
	}
}

func TestSign(t *testing.T) {
	host := cibatch.Pair{Name: "host", Value: "examplebucket-1250000000.ci.ap-beijing.myqcloud.com"}
	keys := cibatch.SignInput{SecretID: "AKIDtestSecretId1234567890abcdef", SecretKey: "testSecretKey1234567890abcdefghij"}
	in := keys
	in.Method, in.Path, in.Headers, in.Start, in.End = "GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9",
		[]cibatch.Pair{host}, 1699999940, 1700010000
	auth := must(cibatch.Sign(in))
	if !strings.HasSuffix(auth, "q-signature=6b3df850d92e7c8feee62297ad13e6c4c4146cce") {
		t.Fatal(auth)
	}
	in.Path, in.Start, in.End = "/inventorytriggerjob", 1700000000, 1700003600
	in.Params = []cibatch.Pair{{"name", "a b/c"}, {"nextToken", "25"}, {"orderByTime", "Asc"}, {"size", "5"},
		{"startCreationTime", "2022-02-25T12:00:00+0800"}, {"states", "Running,Failed"}, {"type", "Job"}}
	if auth := must(cibatch.Sign(in)); !strings.HasSuffix(auth, "q-signature=b3c3b93bcde98c7dff8a70619456b2e83ed80b34") {
		t.Fatal(auth)
	}
	in.Params = []cibatch.Pair{{"bad", "\xff"}}
	if _, err := cibatch.Sign(in); !errors.Is(err, cibatch.ErrInvalidArgument) {
		t.Fatalf("invalid UTF-8: %v", err)
	}
}

func TestTemporaryCredentials(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Token: "tok+en/="})
	must(c.ListJobs(context.Background(), cibatch.ListOptions{}))
	cfg := emu.Config()
	cfg.Token = ""
	plain := must(cibatch.NewClient(cfg))
	defer plain.Close()
	var se *cibatch.ServiceError
	if _, err := plain.ListJobs(context.Background(), cibatch.ListOptions{}); !errors.As(err, &se) || se.Status != 403 {
		t.Fatalf("token required: %v", err)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	_, c := setup(t, cibatch.EmulatorOptions{})
	c.Close()
	c.Close()
	if _, err := c.ListJobs(context.Background(), cibatch.ListOptions{}); !errors.Is(err, cibatch.ErrClosed) {
		t.Fatalf("closed client: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	t.Setenv("CIBATCH_BUCKET", emu.Bucket())
	t.Setenv("CIBATCH_REGION", emu.Region())
	t.Setenv("CIBATCH_ENDPOINT", emu.Endpoint())
	t.Setenv("TENCENTCLOUD_SECRET_ID", emu.SecretID())
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emu.SecretKey())
	c := must(cibatch.NewClientFromEnv())
	defer c.Close()
	must(c.ListJobs(context.Background(), cibatch.ListOptions{}))
}

func Test32GoroutinesShareOneClient(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 32*10)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				name := fmt.Sprintf("g%d-%d", g, i)
				job, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: name, WorkflowID: wf,
					Input: cibatch.Input{Prefix: "p/"}})
				if err != nil {
					errs <- err
					return
				}
				got, err := c.DescribeJob(ctx, job.JobID)
				if err != nil || got.Name != name {
					errs <- fmt.Errorf("describe %s: %v", name, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if emu.JobCount() != 320 {
		t.Fatalf("%d jobs", emu.JobCount())
	}
	n := 0
	for _, err := range c.AllJobs(ctx, cibatch.ListOptions{Size: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 320 {
		t.Fatalf("listed %d", n)
	}
}

func ExampleClient_DescribeJob() {
	emu, _ := cibatch.StartEmulator(cibatch.EmulatorOptions{})
	defer emu.Close()
	client, _ := cibatch.NewClient(emu.Config())
	defer client.Close()
	ctx := context.Background()
	job, _ := client.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "demo", WorkflowID: wf,
		Input: cibatch.Input{Prefix: "input/"}})
	got, err := client.DescribeJob(ctx, job.JobID)
	fmt.Println(got.Name, got.Type, got.State, err)
	// Output: demo Workflow Submitted <nil>
}

func TestReliabilityOptions(t *testing.T) {
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	emu.SetClockSkew(2 * time.Hour)
	c := must(cibatch.NewClient(emu.Config()))
	defer c.Close()
	before := emu.RequestCount()
	must(c.ListJobs(ctx, cibatch.ListOptions{}))
	if emu.RequestCount()-before != 2 || c.ClockOffset() < 115*time.Minute || c.ClockOffset() > 125*time.Minute {
		t.Fatalf("skew: %d requests, offset %v", emu.RequestCount()-before, c.ClockOffset())
	}
	emu.SetClockSkew(0)
	cfg := emu.Config()
	cfg.CABundle = "/nonexistent/ca.pem"
	var e *cibatch.Error
	if _, err := cibatch.NewClient(cfg); !errors.As(err, &e) || e.Argument != "ca_bundle" {
		t.Fatalf("CA bundle: %v", err)
	}
	cfg = emu.Config()
	cfg.Proxy = "::not a url::"
	if _, err := cibatch.NewClient(cfg); !errors.Is(err, cibatch.ErrInvalidArgument) {
		t.Fatalf("proxy: %v", err)
	}
}

func TestSecretsNeverShow(t *testing.T) {
	secret, token := "SUPERSECRETKEY-go", "SUPERSECRETTOKEN-go"
	c := must(cibatch.NewClient(cibatch.Config{Bucket: "examplebucket-1250000000", Region: "ap-beijing",
		SecretID: "AKIDpublic", SecretKey: secret, Token: token, Endpoint: "http://127.0.0.1:1", MaxAttempts: 1}))
	defer c.Close()
	_, err := c.ListJobs(context.Background(), cibatch.ListOptions{})
	text := fmt.Sprintf("%v %+v %#v", err, err, c)
	if err == nil || strings.Contains(text, secret) || strings.Contains(text, token) {
		t.Fatalf("leak or no error: %s", text)
	}
}

func TestCredentialsProviderAndLogger(t *testing.T) {
	emu, _ := setup(t, cibatch.EmulatorOptions{Token: "sts-token"})
	var mu sync.Mutex
	calls := 0
	var logs bytes.Buffer
	cfg := cibatch.Config{Bucket: emu.Bucket(), Region: emu.Region(), Endpoint: emu.Endpoint(),
		Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		CredentialsProvider: func() (cibatch.Credentials, error) {
			mu.Lock()
			calls++
			mu.Unlock()
			return cibatch.Credentials{SecretID: emu.SecretID(), SecretKey: emu.SecretKey(), Token: "sts-token",
				Expires: time.Now().Add(time.Hour)}, nil
		}}
	c := must(cibatch.NewClient(cfg))
	defer c.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); must(c.ListJobs(context.Background(), cibatch.ListOptions{})) }()
	}
	wg.Wait()
	if calls != 1 {
		t.Fatalf("provider called %d times", calls)
	}
	text := logs.String()
	if !strings.Contains(text, "list jobs: GET /inventorytriggerjob -> HTTP 200") || strings.Contains(text, emu.SecretKey()) ||
		strings.Contains(text, "sts-token") {
		t.Fatalf("log: %s", text)
	}
	cfg.CredentialsProvider = func() (cibatch.Credentials, error) { return cibatch.Credentials{}, errors.New("no STS") }
	bad := must(cibatch.NewClient(cfg))
	defer bad.Close()
	if _, err := bad.ListJobs(context.Background(), cibatch.ListOptions{}); !errors.Is(err, cibatch.ErrCredentials) {
		t.Fatalf("failing provider: %v", err)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestRetryCreateSendsACreateAgain(t *testing.T) {
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	cfg := emu.Config()
	cfg.RetryCreate = true
	cfg.BackoffBase, cfg.BackoffCap = time.Millisecond, 5*time.Millisecond
	blunt := must(cibatch.NewClient(cfg))
	defer blunt.Close()
	noErr(t, emu.InjectStatus(503, "InternalError", 1))
	job, err := blunt.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{Name: "again",
		WorkflowID: "w7476ff3564ee45b7b490d64bccaba6cc", Input: cibatch.Input{Prefix: "p/"}})
	if err != nil || job.Name != "again" || emu.RequestCount() != 2 || emu.JobCount() != 1 {
		t.Fatalf("RetryCreate: %v (%d requests, %d jobs)", err, emu.RequestCount(), emu.JobCount())
	}
	// Without it (the default), the same failure is not retried: the create's outcome is unknown.
	cfg.RetryCreate = false
	careful := must(cibatch.NewClient(cfg))
	defer careful.Close()
	noErr(t, emu.InjectStatus(503, "InternalError", 1))
	_, err = careful.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{Name: "once",
		WorkflowID: "w7476ff3564ee45b7b490d64bccaba6cc", Input: cibatch.Input{Prefix: "p/"}})
	if !errors.Is(err, cibatch.ErrOutcomeUnknown) || emu.RequestCount() != 3 || emu.JobCount() != 1 {
		t.Fatalf("default: %v (%d requests, %d jobs)", err, emu.RequestCount(), emu.JobCount())
	}
}
