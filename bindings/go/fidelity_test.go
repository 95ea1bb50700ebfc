package cibatch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

// Right whatever the service does: the Go binding's own code paths under every reading the emulator can be
// switched to (README, "Behaviour worth knowing").

// mixed creates 4 Workflow and 3 Job jobs, interleaved, 10 s apart by the emulator's clock.
func mixed(t *testing.T, emu *cibatch.Emulator, c *cibatch.Client) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := 0; i < 7; i++ {
		emu.SetClockSkew(time.Duration(10*i) * time.Second)
		if i%2 == 0 {
			ids = append(ids, createWorkflow(t, c, fmt.Sprintf("wf-%d", i)).JobID)
		} else {
			ids = append(ids, must(c.CreateJob(ctx, cibatch.JobRequest{Name: fmt.Sprintf("job-%d", i), Tag: "Transcode",
				Input: cibatch.Input{Prefix: "p/"}})).JobID)
		}
	}
	emu.SetClockSkew(0)
	return ids
}

func collect(t *testing.T, seq func(func(cibatch.Job, error) bool)) ([]cibatch.Job, error) {
	t.Helper()
	var jobs []cibatch.Job
	for j, err := range seq {
		if err != nil {
			return jobs, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

func TestAllJobsCoversBothTypesWhateverTheDefault(t *testing.T) {
	for _, workflowDefault := range []bool{false, true} {
		emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
		noErr(t, emu.SetSwitch(cibatch.SwitchListDefaultWorkflow, workflowDefault))
		ids := mixed(t, emu, c)
		ctx := context.Background()
		for _, order := range []string{"", "Desc", "Asc"} {
			var pages []string
			jobs, err := collect(t, c.AllJobs(ctx, cibatch.ListOptions{Size: 2, OrderByTime: order,
				OnPage: func(page, n int) { pages = append(pages, fmt.Sprintf("%d:%d", page, n)) }}))
			noErr(t, err)
			var got []string
			var times []string
			for _, j := range jobs {
				got = append(got, j.JobID)
				times = append(times, j.CreationTime)
			}
			want := slices.Clone(ids)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("default workflow=%v order %q: got %d jobs, want %d", workflowDefault, order, len(got), len(want))
			}
			sorted := slices.Clone(times)
			slices.Sort(sorted)
			if order != "Asc" {
				slices.Reverse(sorted)
			}
			if !slices.Equal(times, sorted) {
				t.Fatalf("order %q: not merged in order: %v", order, times)
			}
			// Numbered as they arrive; 2 and 2 Workflow jobs, 2 and 1 Job jobs.
			var nums, counts []string
			for _, p := range pages {
				n, k, _ := strings.Cut(p, ":")
				nums, counts = append(nums, n), append(counts, k)
			}
			slices.Sort(counts)
			if fmt.Sprint(nums) != "[1 2 3 4]" || fmt.Sprint(counts) != "[1 2 2 2]" {
				t.Fatalf("pages %v", pages)
			}
		}
		page := must(c.ListJobs(ctx, cibatch.ListOptions{Size: 100}))
		wantOne := 7
		if workflowDefault {
			wantOne = 4
		}
		if page.Type != "" || len(page.Jobs) != wantOne {
			t.Fatalf("one untyped page: type %q, %d jobs", page.Type, len(page.Jobs))
		}
		if typed := must(c.ListJobs(ctx, cibatch.ListOptions{Type: "Job"})); typed.Type != "Job" || len(typed.Jobs) != 3 {
			t.Fatalf("typed page: %q, %d", typed.Type, len(typed.Jobs))
		}
	}
}

func TestDescribeFallsBackWhenJoinedIDsAreOneUnknownID(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	a, b := createWorkflow(t, c, "a").JobID, createWorkflow(t, c, "b").JobID
	missing := "b00000000000000000000000000000000"
	noErr(t, emu.SetSwitch(cibatch.SwitchDescribeJoinedAsOneID, true))
	before := emu.RequestCount()
	res := must(c.DescribeJobs(context.Background(), []string{a, missing, b}))
	if len(res.Jobs) != 2 || res.Jobs[0].JobID != a || res.Jobs[1].JobID != b || fmt.Sprint(res.NonExistJobIDs) != "["+missing+"]" {
		t.Fatalf("%+v", res)
	}
	if n := emu.RequestCount() - before; n != 4 {
		t.Fatalf("%d requests, want 4", n)
	}
}

func TestPagingEndsCleanlyAndStopsOnEmptyPages(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	noErr(t, emu.SetSwitch(cibatch.SwitchRepeatLastToken, true))
	ids := mixed(t, emu, c)
	ctx := context.Background()
	jobs, err := collect(t, c.AllJobs(ctx, cibatch.ListOptions{Size: 3}))
	noErr(t, err)
	if len(jobs) != len(ids) {
		t.Fatalf("%d jobs", len(jobs))
	}
	noErr(t, emu.Inject(cibatch.FaultEmptyPage, 20))
	_, err = collect(t, c.AllJobs(ctx, cibatch.ListOptions{Type: "Workflow"}))
	var ce *cibatch.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "20 pages in a row held no job") {
		t.Fatalf("%v", err)
	}
}

func TestTimesAsTimeValues(t *testing.T) {
	_, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	beijing := time.FixedZone("CST", 8*3600)
	j := must(c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "t", WorkflowID: wf,
		Input: cibatch.Input{Prefix: "p/"}, StartAt: time.Date(2022, 2, 1, 12, 0, 0, 0, beijing), End: "2022-05-01T04:00:00Z"}))
	if j.TimeIntervalStart != "2022-02-01T12:00:00+0800" || j.TimeIntervalEnd != "2022-05-01T04:00:00+0000" {
		t.Fatalf("%q %q", j.TimeIntervalStart, j.TimeIntervalEnd)
	}
	j2 := must(c.CreateJob(ctx, cibatch.JobRequest{Name: "t2", Tag: "Transcode", Input: cibatch.Input{Prefix: "p/"},
		Start: "2022-02-01T12:00:00+08:00", EndAt: time.Date(2022, 5, 1, 4, 0, 0, 0, time.UTC)}))
	if j2.TimeIntervalStart != "2022-02-01T12:00:00+0800" || j2.TimeIntervalEnd != "2022-05-01T04:00:00+0000" {
		t.Fatalf("%q %q", j2.TimeIntervalStart, j2.TimeIntervalEnd)
	}
	now := time.Now()
	page := must(c.ListJobs(ctx, cibatch.ListOptions{StartCreationAt: now.Add(-time.Hour), EndCreationAt: now.Add(time.Hour)}))
	if len(page.Jobs) != 2 {
		t.Fatalf("%d jobs", len(page.Jobs))
	}
	_, err := c.ListJobs(ctx, cibatch.ListOptions{StartCreationTime: "2022-02-25T12:00:00Z", StartCreationAt: now})
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("%v", err)
	}
}

func TestNamesFollowTheDocumentedRule(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{})
	before := emu.RequestCount()
	_, err := c.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{Name: "a b", WorkflowID: wf,
		Input: cibatch.Input{Prefix: "p/"}})
	var ce *cibatch.Error
	if !errors.As(err, &ce) || ce.Argument != "name" || !strings.Contains(err.Error(), "letter, digit, '-', '_' or CJK") {
		t.Fatalf("%v", err)
	}
	if emu.RequestCount() != before {
		t.Fatal("sent")
	}
}

func TestRetriedCancelAfterALostAnswerSucceeds(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	id := createWorkflow(t, c, "c").JobID
	noErr(t, emu.Inject(cibatch.FaultLoseAnswer, 1))
	noErr(t, c.CancelJob(ctx, id))
	if st := must(c.DescribeJob(ctx, id)).State; st != "Cancel" {
		t.Fatal(st)
	}
	var se *cibatch.ServiceError
	if err := c.CancelJob(ctx, id); !errors.As(err, &se) {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestKafkaCallbacksQueueTypesAndTypedMqConfig(t *testing.T) {
	_, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	j := must(c.CreateJob(ctx, cibatch.JobRequest{Name: "k", Tag: "Transcode", Input: cibatch.Input{Object: "a.mp4"},
		QueueID: "p1", QueueType: "SpeedTranscoding", CallBackFormat: "json",
		CallBackKafkaConfig: &cibatch.CallBackKafkaConfig{Region: "ap-guangzhou", InstanceID: "ckafka-1", Topic: "jobs"}}))
	if j.QueueType != "SpeedTranscoding" || j.CallBackFormat != "JSON" || j.CallBackType != "Kafka" ||
		j.CallBackKafkaRegion != "ap-guangzhou" || j.CallBackKafkaInstanceID != "ckafka-1" || j.CallBackKafkaTopic != "jobs" {
		t.Fatalf("%+v", j)
	}
	m := must(c.CreateJob(ctx, cibatch.JobRequest{Name: "m", Tag: "Transcode", Input: cibatch.Input{Object: "a.mp4"},
		CallBackType: "tdmq", CallBackMqConfig: &cibatch.CallBackMqConfig{MqMode: "Queue", MqRegion: "Guangzhou", MqName: "q1"}}))
	if m.CallBackType != "TDMQ" || m.CallBackMqMode != "Queue" || m.CallBackMqRegion != "Guangzhou" || m.CallBackMqName != "q1" {
		t.Fatalf("%+v", m)
	}
}
