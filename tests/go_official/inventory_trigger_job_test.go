package goofficial

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

const workflowID = "w7476ff3564ee45b7b490d64bccaba6cc"

// createWorkflowJob creates a Workflow job the way the SDK's own example does (no Type).
func createWorkflowJob(t *testing.T, c *cos.Client, name string) *cos.InventoryTriggerJobDetail {
	t.Helper()
	res, _, err := c.CI.CreateInventoryTriggerJob(context.Background(), &cos.CreateInventoryTriggerJobOptions{
		Name:  name,
		Input: &cos.InventoryTriggerJobInput{Prefix: "input/"},
		Operation: &cos.InventoryTriggerJobOperation{
			WorkflowIds: workflowID,
			TimeInterval: cos.InventoryTriggerJobOperationTimeInterval{
				Start: "2022-02-01T12:00:00+0800", End: "2022-05-01T12:00:00+0800",
			},
		},
	})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if res.JobsDetail == nil || !strings.HasPrefix(res.JobsDetail.JobId, "b") || res.JobsDetail.State != "Submitted" {
		t.Fatalf("create %s: unexpected answer %+v", name, res.JobsDetail)
	}
	return res.JobsDetail
}

func TestCreateBothTypes(t *testing.T) {
	c, rec := newClient(t)
	wf := createWorkflowJob(t, c, "go-sdk-workflow")
	if wf.Input == nil || wf.Input.Prefix != "input/" || wf.Operation == nil || wf.Operation.WorkflowIds != workflowID {
		t.Fatalf("the create answer does not echo the request: %+v", wf)
	}
	if body := rec.last(t).Body; !strings.Contains(body, "<RequestId>") {
		t.Fatalf("no RequestId in %s", body)
	}

	res, _, err := c.CI.CreateInventoryTriggerJob(context.Background(), &cos.CreateInventoryTriggerJobOptions{
		Name:  "go-sdk-job",
		Type:  "Job",
		Input: &cos.InventoryTriggerJobInput{Object: "videos/a.mp4"},
		Operation: &cos.InventoryTriggerJobOperation{
			Tag:      "Transcode",
			QueueId:  "p893bcda225bf4945a378da6662e81a89",
			JobParam: &cos.InventoryTriggerJobOperationJobParam{TemplateId: "t1460606b9752148c4ab182f55163ba7cd"},
			Output:   &cos.JobOutput{Region: "ap-beijing", Bucket: "examplebucket-1250000000", Object: "out/${InputName}.mp4"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := res.JobsDetail
	if d == nil || d.Operation == nil || d.Operation.Tag != "Transcode" || d.Operation.JobParam == nil ||
		d.Operation.JobParam.TemplateId != "t1460606b9752148c4ab182f55163ba7cd" || d.Operation.Output == nil ||
		d.Operation.Output.Object != "out/${InputName}.mp4" {
		t.Fatalf("the Job-type create answer does not echo the request: %+v", d)
	}
}

func TestDescribe(t *testing.T) {
	c, rec := newClient(t)
	job := createWorkflowJob(t, c, "go-sdk-describe")
	res, _, err := c.CI.DescribeInventoryTriggerJob(context.Background(), job.JobId)
	if err != nil {
		t.Fatal(err)
	}
	if res.JobsDetail == nil || res.JobsDetail.JobId != job.JobId || res.JobsDetail.Code != "Success" {
		t.Fatalf("describe: %+v", res.JobsDetail)
	}
	switch res.JobsDetail.State {
	case "Submitted", "Running", "Success":
	default:
		t.Fatalf("describe: state %q", res.JobsDetail.State)
	}
	if res.JobsDetail.Input == nil || res.JobsDetail.Input.Prefix != "input/" {
		t.Fatalf("describe: input %+v", res.JobsDetail.Input)
	}

	// An unknown ID: a 200 whose NonExistJobIds names it, as the service documents. The SDK reads a singular
	// NonExistJobId, so it sees neither a job nor a missing one; the answer on the wire has the documented field.
	missing := "b00000000000000000000000000000000"
	res, _, err = c.CI.DescribeInventoryTriggerJob(context.Background(), missing)
	if err != nil {
		t.Fatalf("an unknown ID is not an error: %v", err)
	}
	if res.JobsDetail != nil || res.NonExistJobId != "" {
		t.Fatalf("the SDK now reads the answer differently: %+v", res)
	}
	ex := rec.last(t)
	if ex.Status != 200 || !strings.Contains(ex.Body, "<NonExistJobIds>"+missing+"</NonExistJobIds>") {
		t.Fatalf("describe of an unknown ID answered %d %s", ex.Status, ex.Body)
	}
}

func TestList(t *testing.T) {
	c, rec := newClient(t)
	a := createWorkflowJob(t, c, "go-sdk-list-a")
	b := createWorkflowJob(t, c, "go-sdk-list-b")
	res, _, err := c.CI.DescribeInventoryTriggerJobs(context.Background(), &cos.DescribeInventoryTriggerJobsOptions{
		Type: "Workflow", Size: "100", OrderByTime: "Desc", Name: "go-sdk-list-b",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.JobsDetail == nil || res.JobsDetail.JobId != b.JobId {
		t.Fatalf("list by name: %+v", res.JobsDetail)
	}
	// The SDK keeps one JobsDetail of a page; the page on the wire holds every job (newest first).
	if _, _, err = c.CI.DescribeInventoryTriggerJobs(context.Background(), &cos.DescribeInventoryTriggerJobsOptions{
		Type: "Workflow", Size: "100", WorkflowId: workflowID,
	}); err != nil {
		t.Fatal(err)
	}
	body := rec.last(t).Body
	ia, ib := strings.Index(body, "<JobId>"+a.JobId+"</JobId>"), strings.Index(body, "<JobId>"+b.JobId+"</JobId>")
	if ia < 0 || ib < 0 || ib > ia || strings.Count(body, "<JobsDetail>") < 2 {
		t.Fatalf("the page does not hold both jobs, newest first: %s", body)
	}
	// Paging: a page of one gives a NextToken that leads to the next job.
	res, _, err = c.CI.DescribeInventoryTriggerJobs(context.Background(), &cos.DescribeInventoryTriggerJobsOptions{
		Type: "Workflow", Size: "1", WorkflowId: workflowID,
	})
	if err != nil || res.NextToken == "" {
		t.Fatalf("page of one: %+v %v", res, err)
	}
	next, _, err := c.CI.DescribeInventoryTriggerJobs(context.Background(), &cos.DescribeInventoryTriggerJobsOptions{
		Type: "Workflow", Size: "1", WorkflowId: workflowID, NextToken: res.NextToken,
	})
	if err != nil || next.JobsDetail == nil || next.JobsDetail.JobId == res.JobsDetail.JobId {
		t.Fatalf("the next page: %+v %v", next, err)
	}
}

func TestCancel(t *testing.T) {
	c, rec := newClient(t)
	job := createWorkflowJob(t, c, "go-sdk-cancel")
	if _, err := c.CI.CancelInventoryTriggerJob(context.Background(), job.JobId); err != nil {
		t.Fatal(err)
	}
	// The SDK sends a bare PUT on the job's path, without the documented ?cancel: the service accepts it, and so
	// does the emulator.
	if ex := rec.last(t); ex.Method != "PUT" || ex.RawQuery != "" || ex.Status != 200 {
		t.Fatalf("cancel sent %s %s?%s, got %d", ex.Method, ex.Path, ex.RawQuery, ex.Status)
	}
	res, _, err := c.CI.DescribeInventoryTriggerJob(context.Background(), job.JobId)
	if err != nil || res.JobsDetail == nil || res.JobsDetail.State != "Cancel" {
		t.Fatalf("after cancel: %+v %v", res.JobsDetail, err)
	}
	// A second cancel is the service's error, which the SDK reads with its code.
	_, err = c.CI.CancelInventoryTriggerJob(context.Background(), job.JobId)
	var e *cos.ErrorResponse
	if !errors.As(err, &e) || e.Code != "InvalidArgument" || e.Response.StatusCode != 400 || e.RequestID == "" {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestWrongKeyIsRefused(t *testing.T) {
	c, _ := newClientWithKey(t, "not-the-key")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := c.CI.DescribeInventoryTriggerJob(ctx, "b00000000000000000000000000000000")
	var e *cos.ErrorResponse
	if !errors.As(err, &e) || e.Response.StatusCode/100 != 4 || e.Code == "" {
		t.Fatalf("a wrong key: %v", err)
	}
}
