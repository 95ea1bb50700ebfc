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

// kind is the input's kind and its one value, copied into cs.
func (in Input) kind(cs *cStrings) (C.uint32_t, *C.char, error) {
	var kinds []C.uint32_t
	var values []string
	for k, v := range map[C.uint32_t]string{C.CIBATCH_INPUT_PREFIX: in.Prefix, C.CIBATCH_INPUT_MANIFEST: in.Manifest,
		C.CIBATCH_INPUT_URL_FILE: in.URLFile, C.CIBATCH_INPUT_OBJECT: in.Object} {
		if v != "" {
			kinds, values = append(kinds, k), append(values, v)
		}
	}
	if len(kinds) != 1 {
		return 0, nil, &Error{Kind: KindInvalidArgument, Argument: "Input",
			Message: "invalid argument `Input`: set exactly one of Prefix, Manifest, URLFile, Object"}
	}
	return kinds[0], cs.str("Input", values[0]), nil
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
	const arg = "WorkflowJobRequest"
	var cs cStrings
	defer cs.free()
	kind, value, err := r.Input.kind(&cs)
	if err != nil {
		return nil, err
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return nil, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return nil, err
	}
	name, workflowID := cs.str(arg, r.Name), cs.str(arg, r.WorkflowID)
	start, end := cs.opt(arg, r.Start), cs.opt(arg, r.End)
	if cs.err != nil {
		return nil, cs.err
	}
	var cerr *C.cibatch_error
	if err := check(C.cibatch_workflow_request_new(name, kind, value, workflowID, &req, &cerr), cerr); err != nil {
		return nil, err
	}
	if r.Start != "" || r.End != "" {
		if err := check(C.cibatch_workflow_request_set_time_interval(req, start, end, &cerr), cerr); err != nil {
			C.cibatch_workflow_request_free(req)
			return nil, err
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
	const arg = "JobRequest"
	var cs cStrings
	defer cs.free()
	kind, value, err := r.Input.kind(&cs)
	if err != nil {
		return nil, err
	}
	if r.Start, err = timeArg("Start", r.Start, r.StartAt); err != nil {
		return nil, err
	}
	if r.End, err = timeArg("End", r.End, r.EndAt); err != nil {
		return nil, err
	}
	name, tag, templateID := cs.opt(arg, r.Name), cs.opt(arg, r.Tag), cs.opt(arg, r.TemplateID)
	paramXML, outputXML, operationXML := cs.opt(arg, r.JobParamXML), cs.opt(arg, r.OutputXML), cs.opt(arg, r.OperationXML)
	region, bucket, object := cs.opt(arg, r.OutputRegion), cs.opt(arg, r.OutputBucket), cs.opt(arg, r.OutputObject)
	queueID, userData, queueType := cs.opt(arg, r.QueueID), cs.opt(arg, r.UserData), cs.opt(arg, r.QueueType)
	callBack, format, typ := cs.opt(arg, r.CallBack), cs.opt(arg, r.CallBackFormat), cs.opt(arg, r.CallBackType)
	start, end, templateIDName := cs.opt(arg, r.Start), cs.opt(arg, r.End), cs.str(arg, "TemplateId")
	var mq, kafka [3]*C.char
	if m := r.CallBackMqConfig; m != nil {
		const arg = "CallBackMqConfig"
		mq = [3]*C.char{cs.opt(arg, m.MqMode), cs.opt(arg, m.MqRegion), cs.opt(arg, m.MqName)}
	}
	if k := r.CallBackKafkaConfig; k != nil {
		const arg = "CallBackKafkaConfig"
		kafka = [3]*C.char{cs.opt(arg, k.Region), cs.opt(arg, k.InstanceID), cs.opt(arg, k.Topic)}
	}
	if cs.err != nil {
		return nil, cs.err
	}
	level := 0
	if r.JobLevel != nil {
		if level = *r.JobLevel; level < 0 || level > 255 {
			level = 255 // refused by the library with a clear error
		}
	}
	var cerr *C.cibatch_error
	if err := check(C.cibatch_job_request_new(name, tag, kind, value, &req, &cerr), cerr); err != nil {
		return nil, err
	}
	for _, step := range []struct {
		wanted bool
		set    func() C.cibatch_result
	}{
		{r.TemplateID != "", func() C.cibatch_result {
			return C.cibatch_job_request_add_param(req, templateIDName, templateID, &cerr)
		}},
		{r.JobParamXML != "", func() C.cibatch_result { return C.cibatch_job_request_add_param_xml(req, paramXML, &cerr) }},
		{r.OutputRegion != "" || r.OutputBucket != "" || r.OutputObject != "", func() C.cibatch_result {
			return C.cibatch_job_request_set_output(req, region, bucket, object, &cerr)
		}},
		{r.OutputXML != "", func() C.cibatch_result { return C.cibatch_job_request_add_output_xml(req, outputXML, &cerr) }},
		{r.QueueID != "" || r.UserData != "" || r.CallBack != "" || r.CallBackFormat != "" || r.CallBackType != "",
			func() C.cibatch_result {
				return C.cibatch_job_request_set_options(req, queueID, userData, callBack, format, typ, &cerr)
			}},
		{r.JobLevel != nil, func() C.cibatch_result {
			return C.cibatch_job_request_set_job_level(req, C.uint8_t(level), &cerr)
		}},
		{r.QueueType != "", func() C.cibatch_result { return C.cibatch_job_request_set_queue_type(req, queueType, &cerr) }},
		{r.CallBackMqConfig != nil, func() C.cibatch_result {
			return C.cibatch_job_request_set_callback_mq(req, mq[0], mq[1], mq[2], &cerr)
		}},
		{r.CallBackKafkaConfig != nil, func() C.cibatch_result {
			return C.cibatch_job_request_set_callback_kafka(req, kafka[0], kafka[1], kafka[2], &cerr)
		}},
		{r.Start != "" || r.End != "", func() C.cibatch_result {
			return C.cibatch_job_request_set_time_interval(req, start, end, &cerr)
		}},
		{r.OperationXML != "", func() C.cibatch_result {
			return C.cibatch_job_request_add_operation_xml(req, operationXML, &cerr)
		}},
	} {
		if !step.wanted {
			continue
		}
		if err := check(step.set(), cerr); err != nil {
			C.cibatch_job_request_free(req)
			return nil, err
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
