package goofficial

// The per-object results of batch jobs (issue 14): DescribeWorkflowExecutions and DescribeMediaJobs, paging and
// filters, over batch jobs that fan out over the objects TestMain gives the emulator.

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

const secondWorkflowID = "w0000ff3564ee45b7b490d64bccaba6dd"

// finished waits until the batch job has ended (its units end with it).
func finished(t *testing.T, c *cos.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, _, err := c.CI.DescribeInventoryTriggerJob(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if res.JobsDetail != nil && res.JobsDetail.State == "Success" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch job %s did not end: %+v", id, res.JobsDetail)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDescribeWorkflowExecutionsOfABatchJobWithTwoWorkflows(t *testing.T) {
	c, rec := newClient(t)
	ctx := context.Background()
	res, _, err := c.CI.CreateInventoryTriggerJob(ctx, &cos.CreateInventoryTriggerJobOptions{
		Name:      "go-sdk-results",
		Input:     &cos.InventoryTriggerJobInput{Prefix: "results/img-"},
		Operation: &cos.InventoryTriggerJobOperation{WorkflowIds: workflowID + "," + secondWorkflowID},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := res.JobsDetail.JobId
	finished(t, c, id)
	for _, wf := range []string{workflowID, secondWorkflowID} {
		var objects []string
		failed, pages := 0, 0
		opt := &cos.DescribeWorkflowExecutionsOptions{WorkflowId: wf, JobId: id, Size: 5, OrderByTime: "Asc"}
		for {
			page, _, err := c.CI.DescribeWorkflowExecutions(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, e := range page.WorkflowExecutionList {
				if e.WorkflowId != wf || e.RunId == "" {
					t.Fatalf("execution %+v", e)
				}
				objects = append(objects, e.Object)
				if e.State == "Failed" {
					failed++
				}
			}
			if page.NextToken == "" {
				break
			}
			opt.NextToken = page.NextToken
		}
		if len(objects) != 12 || pages != 3 || failed != 2 || !sort.StringsAreSorted(objects) {
			t.Fatalf("%s: %d objects in %d pages, %d failed: %v", wf, len(objects), pages, failed, objects)
		}
	}
	// Filters as the SDK sends them: states, and the object key (`name`).
	page, _, err := c.CI.DescribeWorkflowExecutions(ctx, &cos.DescribeWorkflowExecutionsOptions{
		WorkflowId: secondWorkflowID, JobId: id, States: "Failed"})
	if err != nil || len(page.WorkflowExecutionList) != 2 {
		t.Fatalf("%v %+v", err, page)
	}
	page, _, err = c.CI.DescribeWorkflowExecutions(ctx, &cos.DescribeWorkflowExecutionsOptions{
		WorkflowId: workflowID, JobId: id, Name: "results/img-00003.jpg"})
	if err != nil || len(page.WorkflowExecutionList) != 1 || page.WorkflowExecutionList[0].State != "Success" {
		t.Fatalf("%v %+v", err, page)
	}
	// The SDK reads `CreationTime`; the emulator sends `CreateTime` (as the API reference shows), in +08:00.
	if got := page.WorkflowExecutionList[0].CreationTime; got != "" {
		t.Fatalf("the SDK read a CreationTime %q", got)
	}
	if body := rec.last(t).Body; !strings.Contains(body, "<CreateTime>") || !strings.Contains(body, "+08:00</CreateTime>") {
		t.Fatalf("the answer: %s", body)
	}
}

func TestDescribeMediaJobsOfAJobTypeBatchJob(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	res, _, err := c.CI.CreateInventoryTriggerJob(ctx, &cos.CreateInventoryTriggerJobOptions{
		Name:  "go-sdk-media",
		Type:  "Job",
		Input: &cos.InventoryTriggerJobInput{Prefix: "results/video/"},
		Operation: &cos.InventoryTriggerJobOperation{Tag: "Transcode",
			JobParam: &cos.InventoryTriggerJobOperationJobParam{TemplateId: "t1460606b9752148c4ab182f55163ba7cd"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := res.JobsDetail.JobId
	finished(t, c, id)
	opt := &cos.DescribeMediaJobsOptions{Tag: "Transcode", InventoryTriggerJobId: id, Size: 2, OrderByTime: "Asc"}
	var got []cos.MediaProcessJobDetail
	for {
		page, _, err := c.CI.DescribeMediaJobs(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.JobsDetail...)
		if page.NextToken == "" {
			break
		}
		opt.NextToken = page.NextToken
	}
	if len(got) != 5 {
		t.Fatalf("%d media jobs", len(got))
	}
	a := got[0]
	if a.Input == nil || a.Input.Object != "results/video/a.mov" || a.State != "Failed" || a.Code != "InvalidInput" ||
		a.Message != "unsupported <mov>" || a.Tag != "Transcode" || a.JobId == "" {
		t.Fatalf("%+v (input %+v)", a, a.Input)
	}
	if b := got[1]; b.State != "Success" || b.Progress != "100" || b.EndTime == "" {
		t.Fatalf("%+v", b)
	}
	page, _, err := c.CI.DescribeMediaJobs(ctx, &cos.DescribeMediaJobsOptions{Tag: "Transcode",
		InventoryTriggerJobId: id, States: "Failed"})
	if err != nil || len(page.JobsDetail) != 2 {
		t.Fatalf("%v %+v", err, page)
	}
	page, _, err = c.CI.DescribeMediaJobs(ctx, &cos.DescribeMediaJobsOptions{Tag: "Transcode",
		InventoryTriggerJobId: id, InputObject: "results/video/c.mp4"})
	if err != nil || len(page.JobsDetail) != 1 || page.JobsDetail[0].Input.Object != "results/video/c.mp4" {
		t.Fatalf("%v %+v", err, page)
	}
}
