// Package official runs the official Go SDK (github.com/tencentyun/cos-go-sdk-v5, from the Go module proxy)
// against the emulator: what it sends must be accepted and what the emulator answers must be what it reads. A
// harness for every official-SDK test in Go: the emulator comes from the cibatch Go binding, the SDK client from
// official().
package official

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
	cos "github.com/tencentyun/cos-go-sdk-v5"
)

const (
	w1 = "w7476ff3564ee45b7b490d64bccaba6cc"
	w2 = "w0000ff3564ee45b7b490d64bccaba6dd"
)

// harness starts an emulator whose jobs end as soon as they are created, over 12 images of which 3 fail and 5
// videos of which 2 fail, and gives our client and the official SDK's, both pointing at it.
func harness(t *testing.T) (*cibatch.Emulator, *cibatch.Client, *cos.Client) {
	t.Helper()
	emu, err := cibatch.StartEmulator(cibatch.EmulatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	emu.SetTiming(0, 0)
	for _, err := range []error{
		emu.AddNumberedObjects("in/img-", 12, ".jpg"),
		emu.AddObjects("video/a.mov", "video/b.mp4", "video/c.mp4", "video/d.mov", "video/e.mp4"),
		emu.FailObjects("in/img-0001*", "WorkflowFailed", "unreadable"),
		emu.FailObjects("*.mov", "InvalidInput", "unsupported <mov>"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	ours, err := cibatch.NewClient(emu.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ours.Close() })
	return emu, ours, official(emu)
}

// official is the official SDK's client for the emulator, configured as its documentation shows for CI.
func official(emu *cibatch.Emulator) *cos.Client {
	u, _ := url.Parse(emu.Endpoint())
	return cos.NewClient(&cos.BaseURL{CIURL: u}, &http.Client{Timeout: 30 * time.Second,
		Transport: &cos.AuthorizationTransport{SecretID: emu.SecretID(), SecretKey: emu.SecretKey()}})
}

func TestDescribeWorkflowExecutionsOfABatchJobWithTwoWorkflows(t *testing.T) {
	_, ours, sdk := harness(t)
	ctx := context.Background()
	job, err := ours.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "two", WorkflowID: w1 + "," + w2,
		Input: cibatch.Input{Prefix: "in/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, wf := range []string{w1, w2} {
		var objects []string
		failed := 0
		opt := &cos.DescribeWorkflowExecutionsOptions{WorkflowId: wf, JobId: job.JobID, Size: 5, OrderByTime: "Asc"}
		pages := 0
		for {
			res, _, err := sdk.CI.DescribeWorkflowExecutions(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, e := range res.WorkflowExecutionList {
				if e.WorkflowId != wf || e.RunId == "" {
					t.Fatalf("execution %+v", e)
				}
				objects = append(objects, e.Object)
				if e.State == "Failed" {
					failed++
				}
			}
			if res.NextToken == "" {
				break
			}
			opt.NextToken = res.NextToken
		}
		if len(objects) != 12 || pages != 3 || failed != 2 || !sort.StringsAreSorted(objects) {
			t.Fatalf("%s: %d objects in %d pages, %d failed: %v", wf, len(objects), pages, failed, objects)
		}
	}
	// Filters as the SDK sends them: states and the object key (`name`).
	res, _, err := sdk.CI.DescribeWorkflowExecutions(ctx, &cos.DescribeWorkflowExecutionsOptions{WorkflowId: w2,
		JobId: job.JobID, States: "Failed"})
	if err != nil || len(res.WorkflowExecutionList) != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	res, _, err = sdk.CI.DescribeWorkflowExecutions(ctx, &cos.DescribeWorkflowExecutionsOptions{WorkflowId: w1,
		JobId: job.JobID, Name: "in/img-00003.jpg"})
	if err != nil || len(res.WorkflowExecutionList) != 1 || res.WorkflowExecutionList[0].State != "Success" {
		t.Fatalf("%v %+v", err, res)
	}
	// Our report over the same batch job agrees.
	rep, err := ours.Report(ctx, job.JobID, cibatch.ReportOptions{})
	if err != nil || rep.Total != 24 || rep.FailedTotal() != 4 {
		t.Fatalf("%v %+v", err, rep)
	}
}

func TestDescribeMediaJobsOfAJobTypeBatchJob(t *testing.T) {
	_, ours, sdk := harness(t)
	ctx := context.Background()
	job, err := ours.CreateJob(ctx, cibatch.JobRequest{Name: "videos", Tag: "Transcode",
		Input: cibatch.Input{Prefix: "video/"}, TemplateID: "t1460606b9752148c4ab182f55163ba7cd"})
	if err != nil {
		t.Fatal(err)
	}
	opt := &cos.DescribeMediaJobsOptions{Tag: "Transcode", InventoryTriggerJobId: job.JobID, Size: 2,
		OrderByTime: "Asc"}
	var got []cos.MediaProcessJobDetail
	for {
		res, _, err := sdk.CI.DescribeMediaJobs(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.JobsDetail...)
		if res.NextToken == "" {
			break
		}
		opt.NextToken = res.NextToken
	}
	if len(got) != 5 {
		t.Fatalf("%d media jobs", len(got))
	}
	a := got[0]
	if a.Input == nil || a.Input.Object != "video/a.mov" || a.State != "Failed" || a.Code != "InvalidInput" ||
		a.Message != "unsupported <mov>" || a.Tag != "Transcode" || a.JobId == "" {
		t.Fatalf("%+v (input %+v)", a, a.Input)
	}
	if b := got[1]; b.State != "Success" || b.Progress != "100" || b.EndTime == "" {
		t.Fatalf("%+v", b)
	}
	res, _, err := sdk.CI.DescribeMediaJobs(ctx, &cos.DescribeMediaJobsOptions{Tag: "Transcode",
		InventoryTriggerJobId: job.JobID, States: "Failed"})
	if err != nil || len(res.JobsDetail) != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	res, _, err = sdk.CI.DescribeMediaJobs(ctx, &cos.DescribeMediaJobsOptions{Tag: "Transcode",
		InventoryTriggerJobId: job.JobID, InputObject: "video/c.mp4"})
	if err != nil || len(res.JobsDetail) != 1 || res.JobsDetail[0].Input.Object != "video/c.mp4" {
		t.Fatalf("%v %+v", err, res)
	}
}
