package cibatch

/*
#include "cibatch.h"
*/
import "C"

import "strconv"

// Job is one job as the service describes it. Absent fields are "".
type Job struct {
	JobID        string
	Name         string
	Type         string // "Workflow" or "Job"
	State        string // "Submitted", "Running", "Success", "Failed", "Pause", "Cancel", or a newer state
	Code         string // "Success" unless the job failed
	Message      string
	CreationTime string // "2022-06-27T15:23:10+0800"
	StartTime    string // "" until the job starts
	EndTime      string // "" until the job ends

	// Input: exactly one is set.
	Prefix, Manifest, URLFile, Object string

	// Workflow jobs.
	WorkflowIDs                        string
	TimeIntervalStart, TimeIntervalEnd string

	// Job-type jobs.
	Tag                                              string
	TemplateID                                       string
	JobParamXML                                      string // the whole <JobParam>, with tag-specific containers
	OutputRegion, OutputBucket, OutputObject         string
	OutputXML                                        string // the whole <Output>
	QueueID, UserData                                string
	JobLevel                                         int // -1 when absent
	CallBack, CallBackFormat, CallBackType           string
	CallBackMqMode, CallBackMqRegion, CallBackMqName string
	CallBackKafkaRegion, CallBackKafkaInstanceID     string
	CallBackKafkaTopic                               string
	QueueType                                        string // e.g. "SpeedTranscoding"
	Progress                                         string // when the service sends it

	// RawXML is the <JobsDetail> element as received, for everything not modelled here.
	RawXML string

	terminal bool
}

// IsTerminal reports whether the job ended: Success, Failed or Cancel.
func (j *Job) IsTerminal() bool { return j.terminal }

// jobFrom copies a C job (owned or borrowed) into Go memory.
func jobFrom(p *C.cibatch_job) Job {
	s := func(v *C.char) string { return goStr(v) }
	level := -1
	if l, err := strconv.Atoi(s(C.cibatch_job_job_level(p))); err == nil {
		level = l
	}
	return Job{
		JobID: s(C.cibatch_job_id(p)), Name: s(C.cibatch_job_name(p)), Type: s(C.cibatch_job_type(p)),
		State: s(C.cibatch_job_state(p)), Code: s(C.cibatch_job_code(p)), Message: s(C.cibatch_job_message(p)),
		CreationTime: s(C.cibatch_job_creation_time(p)), StartTime: s(C.cibatch_job_start_time(p)),
		EndTime: s(C.cibatch_job_end_time(p)),
		Prefix:  s(C.cibatch_job_input_prefix(p)), Manifest: s(C.cibatch_job_input_manifest(p)),
		URLFile: s(C.cibatch_job_input_url_file(p)), Object: s(C.cibatch_job_input_object(p)),
		WorkflowIDs: s(C.cibatch_job_workflow_ids(p)), TimeIntervalStart: s(C.cibatch_job_time_interval_start(p)),
		TimeIntervalEnd: s(C.cibatch_job_time_interval_end(p)),
		Tag:             s(C.cibatch_job_tag(p)), TemplateID: s(C.cibatch_job_template_id(p)),
		JobParamXML: s(C.cibatch_job_job_param_xml(p)), OutputRegion: s(C.cibatch_job_output_region(p)),
		OutputBucket: s(C.cibatch_job_output_bucket(p)), OutputObject: s(C.cibatch_job_output_object(p)),
		OutputXML: s(C.cibatch_job_output_xml(p)), QueueID: s(C.cibatch_job_queue_id(p)),
		UserData: s(C.cibatch_job_user_data(p)), JobLevel: level, CallBack: s(C.cibatch_job_callback(p)),
		CallBackFormat: s(C.cibatch_job_callback_format(p)), CallBackType: s(C.cibatch_job_callback_type(p)),
		CallBackMqMode: s(C.cibatch_job_callback_mq_mode(p)), CallBackMqRegion: s(C.cibatch_job_callback_mq_region(p)),
		CallBackMqName: s(C.cibatch_job_callback_mq_name(p)), RawXML: s(C.cibatch_job_raw_xml(p)),
		CallBackKafkaRegion:     s(C.cibatch_job_callback_kafka_region(p)),
		CallBackKafkaInstanceID: s(C.cibatch_job_callback_kafka_instance_id(p)),
		CallBackKafkaTopic:      s(C.cibatch_job_callback_kafka_topic(p)),
		QueueType:               s(C.cibatch_job_queue_type(p)), Progress: s(C.cibatch_job_progress(p)),
		terminal: bool(C.cibatch_job_is_terminal(p)),
	}
}

// takeJob copies and frees an owned C job.
func takeJob(p *C.cibatch_job) Job {
	defer C.cibatch_job_free(p)
	return jobFrom(p)
}

// Page is one page of a listing. NextToken is "" on the last page. Type is the type the page was listed with,
// "" when it was listed without one.
type Page struct {
	Jobs      []Job
	NextToken string
	RequestID string
	Type      string
}

// DescribeResult holds the jobs found and the queried IDs that do not exist.
type DescribeResult struct {
	Jobs           []Job
	NonExistJobIDs []string
	RequestID      string
}

// takeList copies and frees a C job list.
func takeList(l *C.cibatch_job_list) (jobs []Job, missing []string, next, requestID string) {
	defer C.cibatch_job_list_free(l)
	n := int(C.cibatch_job_list_count(l))
	jobs = make([]Job, 0, n)
	for i := 0; i < n; i++ {
		jobs = append(jobs, jobFrom(C.cibatch_job_list_get(l, C.size_t(i))))
	}
	for i := 0; i < int(C.cibatch_job_list_non_exist_count(l)); i++ {
		missing = append(missing, goStr(C.cibatch_job_list_non_exist_get(l, C.size_t(i))))
	}
	return jobs, missing, goStr(C.cibatch_job_list_next_token(l)), goStr(C.cibatch_job_list_request_id(l))
}
