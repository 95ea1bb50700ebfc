package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"time"
)

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

// build makes the C request for it; the caller frees it with C.cibatch_workflow_request_free.
func (r WorkflowJobRequest) build() (req *C.cibatch_workflow_request, err error) {
	defer func() {
		if err != nil && req != nil {
			C.cibatch_workflow_request_free(req)
			req = nil
		}
	}()
	kind, value, err := r.Input.kind()
	if err != nil {
		return req, err
	}
	if err := checkText("WorkflowJobRequest", r.Name, r.WorkflowID, r.Start, r.End); err != nil {
		return req, err
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return req, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return req, err
	}
	name, val, wf := cstr(r.Name), cstr(value), cstr(r.WorkflowID)
	defer free(name)
	defer free(val)
	defer free(wf)
	var cerr *C.cibatch_error
	if err := check(C.cibatch_workflow_request_new(name, kind, val, wf, &req, &cerr), cerr); err != nil {
		return req, err
	}
	if r.Start != "" || r.End != "" {
		start, end := cstrOpt(r.Start), cstrOpt(r.End)
		defer free(start)
		defer free(end)
		if err := check(C.cibatch_workflow_request_set_time_interval(req, start, end, &cerr), cerr); err != nil {
			return req, err
		}
	}
	return req, nil
}

// CreateWorkflowJob creates a Workflow job. A failure after the request may have reached the service matches
// ErrOutcomeUnknown; with Config.ResolveCreates the client then looks for the job itself. Not sent again otherwise,
// unless Config.RetryCreate is set.
func (c *Client) CreateWorkflowJob(ctx context.Context, r WorkflowJobRequest) (Job, error) {
	req, err := r.build()
	if err != nil {
		return Job{}, err
	}
	defer C.cibatch_workflow_request_free(req)
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_create_workflow_job(h, req, out, cerr)
	})
}

// FindCreatedWorkflowJob lists the jobs r may have made since since (a little before the first attempt): same type,
// name, input and workflow. After ErrOutcomeUnknown, or a restart, ask before creating again: one job is the one it
// made, none means it was not created.
func (c *Client) FindCreatedWorkflowJob(ctx context.Context, r WorkflowJobRequest, since time.Time) ([]Job, error) {
	req, err := r.build()
	if err != nil {
		return nil, err
	}
	defer C.cibatch_workflow_request_free(req)
	var jobs []Job
	err = c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_job_list
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_find_created_workflow_job(h, req, C.int64_t(since.Unix()), &out, &cerr), cerr); err != nil {
			return err
		}
		jobs, _, _, _ = takeList(out)
		return nil
	})
	return jobs, err
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

// build makes the C request for it; the caller frees it with C.cibatch_job_request_free.
func (r JobRequest) build() (req *C.cibatch_job_request, err error) {
	defer func() {
		if err != nil && req != nil {
			C.cibatch_job_request_free(req)
			req = nil
		}
	}()
	kind, value, err := r.Input.kind()
	if err != nil {
		return req, err
	}
	if err := checkText("JobRequest", r.Name, r.Tag, r.TemplateID, r.JobParamXML, r.OutputRegion, r.OutputBucket,
		r.OutputObject, r.OutputXML, r.QueueID, r.UserData, r.CallBack, r.CallBackFormat, r.CallBackType, r.Start,
		r.End, r.OperationXML, r.QueueType); err != nil {
		return req, err
	}
	if mq := r.CallBackMqConfig; mq != nil {
		if err := checkText("CallBackMqConfig", mq.MqMode, mq.MqRegion, mq.MqName); err != nil {
			return req, err
		}
	}
	if k := r.CallBackKafkaConfig; k != nil {
		if err := checkText("CallBackKafkaConfig", k.Region, k.InstanceID, k.Topic); err != nil {
			return req, err
		}
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return req, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return req, err
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
	var cerr *C.cibatch_error
	if err := check(C.cibatch_job_request_new(s(r.Name), s(r.Tag), kind, s(value), &req, &cerr), cerr); err != nil {
		return req, err
	}
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
			return req, err
		}
	}
	return req, nil
}

// CreateJob creates a Job-type job; as CreateWorkflowJob for lost answers and retries.
func (c *Client) CreateJob(ctx context.Context, r JobRequest) (Job, error) {
	req, err := r.build()
	if err != nil {
		return Job{}, err
	}
	defer C.cibatch_job_request_free(req)
	return c.jobCall(ctx, func(h *C.cibatch_client, out **C.cibatch_job, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_client_create_job(h, req, out, cerr)
	})
}

// FindCreatedJob is FindCreatedWorkflowJob for a Job-type request: same type, name, input and tag, and the same
// queue ID and user data when set.
func (c *Client) FindCreatedJob(ctx context.Context, r JobRequest, since time.Time) ([]Job, error) {
	req, err := r.build()
	if err != nil {
		return nil, err
	}
	defer C.cibatch_job_request_free(req)
	var jobs []Job
	err = c.use(ctx, func(h *C.cibatch_client) error {
		var out *C.cibatch_job_list
		var cerr *C.cibatch_error
		if err := check(C.cibatch_client_find_created_job(h, req, C.int64_t(since.Unix()), &out, &cerr), cerr); err != nil {
			return err
		}
		jobs, _, _, _ = takeList(out)
		return nil
	})
	return jobs, err
}
