package cibatch_test

// A create never duplicates a job and never leaves the caller guessing (Go).

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func TestALostAnswerIsOutcomeUnknownAndFindCreatedAnswersLater(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	ctx := context.Background()
	since := time.Now().Add(-5 * time.Minute)
	req := cibatch.JobRequest{Name: "later", Tag: "Transcode", Input: cibatch.Input{Prefix: "v/"}, TemplateID: "t1",
		UserData: "batch 7"}
	noErr(t, emu.Inject(cibatch.FaultLoseAnswer, 1))
	_, err := c.CreateJob(ctx, req)
	var e *cibatch.Error
	if !errors.Is(err, cibatch.ErrOutcomeUnknown) || !errors.As(err, &e) || e.Attempts != 1 {
		t.Fatalf("lost answer: %v", err)
	}
	found := must(c.FindCreatedJob(ctx, req, since))
	if len(found) != 1 || found[0].UserData != "batch 7" {
		t.Fatalf("found %+v", found)
	}
	other := req
	other.UserData = "batch 8"
	if found := must(c.FindCreatedJob(ctx, other, since)); len(found) != 0 {
		t.Fatalf("other user data matched: %+v", found)
	}
	noErr(t, emu.InjectStatus(400, "InvalidArgument", 1))
	if _, err := c.CreateJob(ctx, req); errors.Is(err, cibatch.ErrOutcomeUnknown) {
		t.Fatalf("a refused create is not outcome unknown: %v", err)
	}
}

func TestAHundredCreatesWithAnswersLostAtRandomMakeAHundredJobs(t *testing.T) {
	watchdog(t, 120*time.Second)
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	cfg := emu.Config()
	cfg.ResolveCreates = true
	c := must(cibatch.NewClient(cfg))
	defer c.Close()
	rng := rand.New(rand.NewSource(7))
	before, lost := emu.JobCount(), 0
	ids := map[string]bool{}
	for i := 0; i < 100; i++ {
		if rng.Intn(2) == 0 {
			noErr(t, emu.Inject(cibatch.FaultLoseAnswer, 1))
			lost++
		}
		name := fmt.Sprintf("lossy-%d", i)
		job := must(c.CreateWorkflowJob(context.Background(), cibatch.WorkflowJobRequest{Name: name, WorkflowID: "w1",
			Input: cibatch.Input{Prefix: "lossy/"}}))
		if job.Name != name {
			t.Fatalf("%s: got %s", name, job.Name)
		}
		ids[job.JobID] = true
	}
	if lost < 20 || len(ids) != 100 || emu.JobCount()-before != 100 {
		t.Fatalf("%d lost, %d ids, %d jobs made", lost, len(ids), emu.JobCount()-before)
	}
}

func TestAnAmbiguousMatchIsReportedAndNothingMoreIsCreated(t *testing.T) {
	watchdog(t, 60*time.Second)
	emu, c := setup(t, cibatch.EmulatorOptions{})
	req := cibatch.WorkflowJobRequest{Name: "shared", WorkflowID: "w1", Input: cibatch.Input{Prefix: "s/"}}
	for i := 0; i < 2; i++ {
		must(c.CreateWorkflowJob(context.Background(), req))
	}
	cfg := emu.Config()
	cfg.ResolveCreates = true
	r := must(cibatch.NewClient(cfg))
	defer r.Close()
	noErr(t, emu.Inject(cibatch.FaultLoseAnswer, 1))
	before := emu.JobCount()
	_, err := r.CreateWorkflowJob(context.Background(), req)
	var e *cibatch.Error
	if !errors.Is(err, cibatch.ErrAmbiguousCreate) || !errors.As(err, &e) || len(e.JobIDs) != 3 {
		t.Fatalf("ambiguous: %v", err)
	}
	if emu.JobCount() != before+1 {
		t.Fatalf("%d jobs made, want only the lost answer's", emu.JobCount()-before)
	}
}
