package cibatch_test

// A string with a NUL byte cannot cross into C (C would cut it short there): every entry point that takes text
// refuses it with the same invalid-argument error, naming the argument, before anything is sent.

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

const nul = "a\x00b"

// withEachNul calls try once per string field of base (and per []string field, with a NUL element added), with that
// one field holding a NUL and every other as base has it. Fields of nested structs are included, except those named
// in skip.
func withEachNul[T any](t *testing.T, base T, skip map[string]bool, try func(field string, v T)) {
	t.Helper()
	tried := 0
	var walk func(path string, v reflect.Value, set func(path string, nv reflect.Value))
	walk = func(path string, v reflect.Value, set func(path string, nv reflect.Value)) {
		switch {
		case v.Kind() == reflect.String:
			set(path, reflect.ValueOf(nul).Convert(v.Type()))
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
			set(path, reflect.Append(v, reflect.ValueOf(nul)))
		case v.Kind() == reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if f := v.Type().Field(i); f.IsExported() && !skip[f.Name] {
					walk(path+"."+f.Name, v.Field(i), func(path string, nv reflect.Value) {
						c := reflect.New(v.Type()).Elem()
						c.Set(v)
						c.Field(i).Set(nv)
						set(path, c)
					})
				}
			}
		}
	}
	walk(reflect.TypeOf(base).Name(), reflect.ValueOf(base), func(path string, nv reflect.Value) {
		tried++
		try(path, nv.Interface().(T))
	})
	if tried == 0 {
		t.Fatalf("%T has no string field", base)
	}
}

// refusesNul checks that err is the NUL error for argument.
func refusesNul(t *testing.T, what, argument string, err error) {
	t.Helper()
	var e *cibatch.Error
	if !errors.As(err, &e) || e.Kind != cibatch.KindInvalidArgument || e.Argument != argument ||
		e.Message != "invalid argument `"+argument+"`: contains NUL" {
		t.Errorf("%s: want the NUL error for %q, got %#v", what, argument, err)
	}
}

func TestANulByteIsRefusedEverywhereBeforeC(t *testing.T) {
	emu, c := setup(t, cibatch.EmulatorOptions{Submitted: time.Hour, Running: time.Hour})
	ctx := context.Background()
	job := createWorkflow(t, c, "nul")
	before := emu.RequestCount()

	withEachNul(t, emu.Config(), nil, func(what string, cfg cibatch.Config) {
		_, err := cibatch.NewClient(cfg)
		refusesNul(t, what, "config", err)
	})
	for what, call := range map[string]func() error{
		"DescribeJob": func() error { _, err := c.DescribeJob(ctx, nul); return err },
		"CancelJob":   func() error { return c.CancelJob(ctx, nul) },
		"WaitForJob":  func() error { _, err := c.WaitForJob(ctx, nul, cibatch.WaitOptions{}); return err },
		"ListResults": func() error {
			_, err := c.ListResults(ctx, nul, cibatch.ResultOptions{WorkflowID: wf})
			return err
		},
		"Results": func() error {
			for _, err := range c.Results(ctx, nul, cibatch.ResultOptions{}) {
				return err
			}
			return nil
		},
		"Report": func() error { _, err := c.Report(ctx, nul, cibatch.ReportOptions{}); return err },
	} {
		refusesNul(t, what, "jobID", call())
	}
	_, err := c.DescribeJobs(ctx, []string{job.JobID, nul})
	refusesNul(t, "DescribeJobs", "jobIDs", err)

	withEachNul(t, cibatch.ListOptions{Type: "Workflow"}, nil, func(what string, o cibatch.ListOptions) {
		_, err := c.ListJobs(ctx, o)
		refusesNul(t, what, "ListOptions", err)
		for _, err := range c.AllJobs(ctx, o) {
			refusesNul(t, "AllJobs "+what, "ListOptions", err)
			break
		}
	})
	// ListResults takes exactly one of WorkflowID and Tag (checked first).
	for _, o := range []cibatch.ResultOptions{{WorkflowID: wf}, {Tag: "Transcode"}} {
		withEachNul(t, o, map[string]bool{"WorkflowID": o.Tag != "", "Tag": o.WorkflowID != ""},
			func(what string, o cibatch.ResultOptions) {
				_, err := c.ListResults(ctx, job.JobID, o)
				refusesNul(t, what, "ResultOptions", err)
			})
	}

	input := map[string]cibatch.Input{"Prefix": {Prefix: nul}, "Manifest": {Manifest: nul}, "URLFile": {URLFile: nul},
		"Object": {Object: nul}}
	wr := cibatch.WorkflowJobRequest{Name: "n", WorkflowID: wf, Input: cibatch.Input{Prefix: "p/"}}
	withEachNul(t, wr, map[string]bool{"Input": true}, func(what string, r cibatch.WorkflowJobRequest) {
		_, err := c.CreateWorkflowJob(ctx, r)
		refusesNul(t, what, "WorkflowJobRequest", err)
		_, err = c.FindCreatedWorkflowJob(ctx, r, time.Now())
		refusesNul(t, "FindCreated "+what, "WorkflowJobRequest", err)
	})
	jr := cibatch.JobRequest{Name: "n", Tag: "Transcode", Input: cibatch.Input{Prefix: "p/"}}
	withEachNul(t, jr, map[string]bool{"Input": true}, func(what string, r cibatch.JobRequest) {
		_, err := c.CreateJob(ctx, r)
		refusesNul(t, what, "JobRequest", err)
		_, err = c.FindCreatedJob(ctx, r, time.Now())
		refusesNul(t, "FindCreated "+what, "JobRequest", err)
	})
	withEachNul(t, cibatch.CallBackMqConfig{MqMode: "Queue", MqRegion: "sh", MqName: "q"}, nil,
		func(what string, mq cibatch.CallBackMqConfig) {
			r := jr
			r.CallBackMqConfig = &mq
			_, err := c.CreateJob(ctx, r)
			refusesNul(t, what, "CallBackMqConfig", err)
		})
	withEachNul(t, cibatch.CallBackKafkaConfig{Region: "sh", InstanceID: "i", Topic: "t"}, nil,
		func(what string, k cibatch.CallBackKafkaConfig) {
			r := jr
			r.CallBackKafkaConfig = &k
			_, err := c.CreateJob(ctx, r)
			refusesNul(t, what, "CallBackKafkaConfig", err)
		})
	for name, in := range input {
		wr.Input, jr.Input = in, in
		_, err := c.CreateWorkflowJob(ctx, wr)
		refusesNul(t, "WorkflowJobRequest Input."+name, "Input", err)
		_, err = c.CreateJob(ctx, jr)
		refusesNul(t, "JobRequest Input."+name, "Input", err)
	}

	sign := cibatch.SignInput{Method: "GET", Path: "/", SecretID: "id", SecretKey: "key", Start: 1, End: 2,
		Params: []cibatch.Pair{{Name: "p", Value: "v"}}, Headers: []cibatch.Pair{{Name: "host", Value: "h"}}}
	withEachNul(t, sign, map[string]bool{"Params": true, "Headers": true}, func(what string, in cibatch.SignInput) {
		_, err := cibatch.Sign(in)
		refusesNul(t, what, "SignInput", err)
	})
	for _, pair := range []cibatch.Pair{{Name: nul, Value: "v"}, {Name: "n", Value: nul}} {
		in := sign
		in.Params = append([]cibatch.Pair{{Name: "p", Value: "v"}}, pair)
		_, err := cibatch.Sign(in)
		refusesNul(t, "SignInput.Params", "SignInput", err)
		in = sign
		in.Headers = []cibatch.Pair{{Name: "host", Value: "h"}, pair}
		_, err = cibatch.Sign(in)
		refusesNul(t, "SignInput.Headers", "SignInput", err)
	}

	_, err = cibatch.StartEmulator(cibatch.EmulatorOptions{Token: nul})
	refusesNul(t, "StartEmulator", "Token", err)
	refusesNul(t, "InjectStatus", "code", emu.InjectStatus(503, nul, 1))
	refusesNul(t, "FailJob id", "FailJob", emu.FailJob(nul, "c", "m"))
	refusesNul(t, "FailJob message", "FailJob", emu.FailJob(job.JobID, "c", nul))
	refusesNul(t, "SetJobState", "SetJobState", emu.SetJobState(job.JobID, nul))
	refusesNul(t, "AddObjects", "keys", emu.AddObjects("k", nul))
	refusesNul(t, "AddNumberedObjects", "AddNumberedObjects", emu.AddNumberedObjects("p/", 2, nul))
	refusesNul(t, "FailObjects", "FailObjects", emu.FailObjects("*", nul, "m"))
	if n := emu.ObjectCount(); n != 0 {
		t.Errorf("%d objects added by refused calls", n)
	}

	if n := emu.RequestCount() - before; n != 0 {
		t.Errorf("%d requests sent by refused calls", n)
	}
}
