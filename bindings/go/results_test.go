package cibatch_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

const (
	w1 = "w7476ff3564ee45b7b490d64bccaba6cc"
	w2 = "w0000ff3564ee45b7b490d64bccaba6dd"
)

// bucket is an emulator whose jobs end as soon as they are created (and so have their units), over 25 images of
// which 10 fail and 6 videos of which the 2 .mov fail.
func bucket(t *testing.T) (*cibatch.Emulator, *cibatch.Client) {
	t.Helper()
	emu, c := setup(t, cibatch.EmulatorOptions{})
	emu.SetTiming(0, 0)
	if err := emu.AddNumberedObjects("in/img-", 25, ".jpg"); err != nil {
		t.Fatal(err)
	}
	if err := emu.AddObjects("video/a.mov", "video/b.mp4", "video/c.mp4", "video/d.mov", "video/e.mp4",
		"video/f.mp4"); err != nil {
		t.Fatal(err)
	}
	if emu.ObjectCount() != 31 {
		t.Fatalf("objects: %d", emu.ObjectCount())
	}
	if err := emu.FailObjects("in/img-0001*", "WorkflowFailed", "unreadable"); err != nil {
		t.Fatal(err)
	}
	if err := emu.FailObjects("*.mov", "InvalidInput", "unsupported <mov>"); err != nil {
		t.Fatal(err)
	}
	return emu, c
}

func twoWorkflows(t *testing.T, c *cibatch.Client) string {
	t.Helper()
	return must(c.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{Name: "two",
		WorkflowID: w1 + "," + w2, Input: cibatch.Input{Prefix: "in/"}})).JobID
}

func transcode(t *testing.T, c *cibatch.Client) string {
	t.Helper()
	return must(c.CreateJob(context.Background(), cibatch.JobRequest{Name: "videos", Tag: "Transcode",
		Input: cibatch.Input{Prefix: "video/"}})).JobID
}

func results(t *testing.T, c *cibatch.Client, id string, o cibatch.ResultOptions) []cibatch.ObjectResult {
	t.Helper()
	var out []cibatch.ObjectResult
	for r, err := range c.Results(context.Background(), id, o) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestResultsOfAWorkflowBatchJobWithTwoWorkflowIDs(t *testing.T) {
	_, c := bucket(t)
	id := twoWorkflows(t, c)
	var pages []int
	rs := results(t, c, id, cibatch.ResultOptions{Size: 10, OnPage: func(page, n int) { pages = append(pages, n) }})
	if len(rs) != 50 || !slices.Equal(pages, []int{10, 10, 5, 10, 10, 5}) {
		t.Fatalf("%d results, pages %v", len(rs), pages)
	}
	failed := 0
	for i, r := range rs {
		want := w1
		if i >= 25 {
			want = w2
		}
		if r.WorkflowID != want || !strings.HasPrefix(r.UnitID, "i") || r.Tag != "" {
			t.Fatalf("result %d: %+v", i, r)
		}
		if r.Failed() {
			failed++
		}
	}
	if failed != 20 {
		t.Fatalf("failed: %d", failed)
	}
	if !strings.HasSuffix(rs[0].CreationTime, "+0800") || !strings.Contains(rs[0].RawXML, "+08:00") {
		t.Fatalf("times: %q %q", rs[0].CreationTime, rs[0].RawXML)
	}
}

func TestResultsOfAJobTypeBatchJob(t *testing.T) {
	_, c := bucket(t)
	id := transcode(t, c)
	rs := results(t, c, id, cibatch.ResultOptions{OrderByTime: "Asc"})
	if len(rs) != 6 || rs[0].Object != "video/a.mov" {
		t.Fatalf("%+v", rs)
	}
	a, b := rs[0], rs[1]
	if a.State != "Failed" || a.Code != "InvalidInput" || a.Message != "unsupported <mov>" {
		t.Fatalf("%+v", a)
	}
	if b.State != "Success" || b.Code != "Success" || b.Tag != "Transcode" || b.Progress != "100" || b.EndTime == "" ||
		!strings.HasPrefix(b.UnitID, "j") {
		t.Fatalf("%+v", b)
	}
}

func TestResultFilters(t *testing.T) {
	_, c := bucket(t)
	wf, tj := twoWorkflows(t, c), transcode(t, c)
	if n := len(results(t, c, wf, cibatch.ResultOptions{States: []string{"Failed"}})); n != 20 {
		t.Fatalf("failed: %d", n)
	}
	one := results(t, c, wf, cibatch.ResultOptions{Object: "in/img-00003.jpg"})
	if len(one) != 2 || one[0].WorkflowID != w1 || one[1].WorkflowID != w2 {
		t.Fatalf("%+v", one)
	}
	asc := results(t, c, tj, cibatch.ResultOptions{OrderByTime: "Asc"})
	desc := results(t, c, tj, cibatch.ResultOptions{OrderByTime: "Desc"})
	slices.Reverse(desc)
	if !slices.Equal(asc, desc) {
		t.Fatalf("orders differ")
	}
	if n := len(results(t, c, tj, cibatch.ResultOptions{EndCreationAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)})); n != 0 {
		t.Fatalf("before 2001: %d", n)
	}
	for _, bad := range []cibatch.ResultOptions{{Size: 101}, {Size: -1}, {OrderByTime: "Sideways"},
		{StartCreationTime: "yesterday"}} {
		var ce *cibatch.Error
		for _, err := range c.Results(context.Background(), tj, bad) {
			if !errors.As(err, &ce) || ce.Kind != cibatch.KindInvalidArgument {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
	}
	for _, err := range c.Results(context.Background(), "b0", cibatch.ResultOptions{}) {
		if !errors.Is(err, cibatch.ErrJobNotFound) {
			t.Fatalf("unknown batch job: %v", err)
		}
	}
}

func TestListResultsOnePage(t *testing.T) {
	_, c := bucket(t)
	id := twoWorkflows(t, c)
	ctx := context.Background()
	first := must(c.ListResults(ctx, id, cibatch.ResultOptions{WorkflowID: w2, Size: 20}))
	if len(first.Results) != 20 || first.NextToken != "20" || first.WorkflowID != w2 {
		t.Fatalf("%d %q %q", len(first.Results), first.NextToken, first.WorkflowID)
	}
	second := must(c.ListResults(ctx, id, cibatch.ResultOptions{WorkflowID: w2, Size: 20, NextToken: first.NextToken}))
	if len(second.Results) != 5 || second.NextToken != "" {
		t.Fatalf("%d %q", len(second.Results), second.NextToken)
	}
	if _, err := c.ListResults(ctx, id, cibatch.ResultOptions{}); err == nil {
		t.Fatal("no source accepted")
	}
}

func TestReport(t *testing.T) {
	_, c := bucket(t)
	id := twoWorkflows(t, c)
	var progress []cibatch.ReportProgress
	rep := must(c.Report(context.Background(), id, cibatch.ReportOptions{FailedLimit: 3,
		OnPage: func(p cibatch.ReportProgress) { progress = append(progress, p) }}))
	if rep.Total != 50 || rep.Counts["Success"] != 30 || rep.FailedTotal() != 20 || len(rep.Counts) != 2 {
		t.Fatalf("%+v", rep)
	}
	var kept []string
	for _, r := range rep.Failed {
		kept = append(kept, r.Object)
	}
	if !slices.Equal(kept, []string{"in/img-00010.jpg", "in/img-00011.jpg", "in/img-00012.jpg"}) {
		t.Fatalf("kept %v", kept)
	}
	if rep.Outcome != "completed with failures" || rep.Job.JobID != id || rep.Job.State != "Success" || rep.Pages != 2 {
		t.Fatalf("%+v", rep)
	}
	if len(progress) != 2 || progress[1] != (cibatch.ReportProgress{Pages: 2, Results: 50, Failed: 20}) {
		t.Fatalf("progress %+v", progress)
	}
	none := must(c.Report(context.Background(), id, cibatch.ReportOptions{FailedLimit: -1}))
	if len(none.Failed) != 0 || none.FailedTotal() != 20 {
		t.Fatalf("%+v", none)
	}
}

func TestReportOnPagePanicAndContext(t *testing.T) {
	_, c := bucket(t)
	id := twoWorkflows(t, c)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v", r)
			}
		}()
		_, _ = c.Report(context.Background(), id, cibatch.ReportOptions{OnPage: func(cibatch.ReportProgress) { panic("boom") }})
		t.Fatal("the panic was not raised again")
	}()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := c.Report(ctx, id, cibatch.ReportOptions{OnPage: func(cibatch.ReportProgress) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled report: %v", err)
	}
}

func TestUnitsRunWhileTheBatchJobRuns(t *testing.T) {
	emu, c := bucket(t)
	emu.SetTiming(0, time.Hour) // running at once, for an hour
	id := transcode(t, c)
	for _, r := range results(t, c, id, cibatch.ResultOptions{}) {
		if r.State != "Running" {
			t.Fatalf("%+v", r)
		}
	}
	if rep := must(c.Report(context.Background(), id, cibatch.ReportOptions{})); rep.Outcome != "in progress" {
		t.Fatalf("%+v", rep)
	}
	if err := c.CancelJob(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if rep := must(c.Report(context.Background(), id, cibatch.ReportOptions{})); rep.Outcome != "cancelled" || rep.Counts["Cancel"] != 6 {
		t.Fatalf("%+v", rep)
	}
}
