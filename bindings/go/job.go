package cibatch

/*
#include "cibatch.h"

// Reads the first count fields of a job (cibatch_job_field numbers 0 .. count-1) into out, and whether it ended: one
// cgo call per job instead of one per field.
static bool cibatch_go_job(const cibatch_job *job, size_t count, const char **out) {
	if (!cibatch_job_fields(job, NULL, count, out)) {
		for (size_t i = 0; i < count; i++) {
			out[i] = NULL;
		}
	}
	return cibatch_job_is_terminal(job);
}

static bool cibatch_go_list_job(const cibatch_job_list *list, size_t i, size_t count, const char **out) {
	return cibatch_go_job(cibatch_job_list_get(list, i), count, out);
}
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

// jobFields fills each field of a Job from the field numbered by the header's cibatch_job_field (the index).
// A test checks that every field the header names has its setter here, and that it sets the Job field of that name.
var jobFields = [...]func(*Job, string){
	C.CIBATCH_JOB_FIELD_JOB_ID:                     func(j *Job, v string) { j.JobID = v },
	C.CIBATCH_JOB_FIELD_NAME:                       func(j *Job, v string) { j.Name = v },
	C.CIBATCH_JOB_FIELD_TYPE:                       func(j *Job, v string) { j.Type = v },
	C.CIBATCH_JOB_FIELD_STATE:                      func(j *Job, v string) { j.State = v },
	C.CIBATCH_JOB_FIELD_CODE:                       func(j *Job, v string) { j.Code = v },
	C.CIBATCH_JOB_FIELD_MESSAGE:                    func(j *Job, v string) { j.Message = v },
	C.CIBATCH_JOB_FIELD_CREATION_TIME:              func(j *Job, v string) { j.CreationTime = v },
	C.CIBATCH_JOB_FIELD_START_TIME:                 func(j *Job, v string) { j.StartTime = v },
	C.CIBATCH_JOB_FIELD_END_TIME:                   func(j *Job, v string) { j.EndTime = v },
	C.CIBATCH_JOB_FIELD_PREFIX:                     func(j *Job, v string) { j.Prefix = v },
	C.CIBATCH_JOB_FIELD_MANIFEST:                   func(j *Job, v string) { j.Manifest = v },
	C.CIBATCH_JOB_FIELD_URL_FILE:                   func(j *Job, v string) { j.URLFile = v },
	C.CIBATCH_JOB_FIELD_OBJECT:                     func(j *Job, v string) { j.Object = v },
	C.CIBATCH_JOB_FIELD_WORKFLOW_IDS:               func(j *Job, v string) { j.WorkflowIDs = v },
	C.CIBATCH_JOB_FIELD_TIME_INTERVAL_START:        func(j *Job, v string) { j.TimeIntervalStart = v },
	C.CIBATCH_JOB_FIELD_TIME_INTERVAL_END:          func(j *Job, v string) { j.TimeIntervalEnd = v },
	C.CIBATCH_JOB_FIELD_TAG:                        func(j *Job, v string) { j.Tag = v },
	C.CIBATCH_JOB_FIELD_TEMPLATE_ID:                func(j *Job, v string) { j.TemplateID = v },
	C.CIBATCH_JOB_FIELD_JOB_PARAM_XML:              func(j *Job, v string) { j.JobParamXML = v },
	C.CIBATCH_JOB_FIELD_OUTPUT_REGION:              func(j *Job, v string) { j.OutputRegion = v },
	C.CIBATCH_JOB_FIELD_OUTPUT_BUCKET:              func(j *Job, v string) { j.OutputBucket = v },
	C.CIBATCH_JOB_FIELD_OUTPUT_OBJECT:              func(j *Job, v string) { j.OutputObject = v },
	C.CIBATCH_JOB_FIELD_OUTPUT_XML:                 func(j *Job, v string) { j.OutputXML = v },
	C.CIBATCH_JOB_FIELD_QUEUE_ID:                   func(j *Job, v string) { j.QueueID = v },
	C.CIBATCH_JOB_FIELD_USER_DATA:                  func(j *Job, v string) { j.UserData = v },
	C.CIBATCH_JOB_FIELD_JOB_LEVEL:                  func(j *Job, v string) { j.JobLevel = jobLevel(v) },
	C.CIBATCH_JOB_FIELD_CALLBACK:                   func(j *Job, v string) { j.CallBack = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_FORMAT:            func(j *Job, v string) { j.CallBackFormat = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_TYPE:              func(j *Job, v string) { j.CallBackType = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_MQ_MODE:           func(j *Job, v string) { j.CallBackMqMode = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_MQ_REGION:         func(j *Job, v string) { j.CallBackMqRegion = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_MQ_NAME:           func(j *Job, v string) { j.CallBackMqName = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_KAFKA_REGION:      func(j *Job, v string) { j.CallBackKafkaRegion = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_KAFKA_INSTANCE_ID: func(j *Job, v string) { j.CallBackKafkaInstanceID = v },
	C.CIBATCH_JOB_FIELD_CALLBACK_KAFKA_TOPIC:       func(j *Job, v string) { j.CallBackKafkaTopic = v },
	C.CIBATCH_JOB_FIELD_QUEUE_TYPE:                 func(j *Job, v string) { j.QueueType = v },
	C.CIBATCH_JOB_FIELD_PROGRESS:                   func(j *Job, v string) { j.Progress = v },
	C.CIBATCH_JOB_FIELD_RAW_XML:                    func(j *Job, v string) { j.RawXML = v },
}

// jobLevel is JobLevel's number, -1 when absent.
func jobLevel(v string) int {
	if l, err := strconv.Atoi(v); err == nil {
		return l
	}
	return -1
}

// jobFieldValues receives a job's fields from C: C pointers in Go memory, which cgo allows.
type jobFieldValues [len(jobFields)]*C.char

// job copies the fields read into a Job.
func (f *jobFieldValues) job(terminal C.bool) Job {
	j := Job{terminal: bool(terminal)}
	for i, set := range jobFields {
		set(&j, goStr(f[i]))
	}
	return j
}

// jobFrom copies a C job (owned or borrowed) into Go memory.
func jobFrom(p *C.cibatch_job) Job {
	var f jobFieldValues
	return f.job(C.cibatch_go_job(p, C.size_t(len(f)), &f[0]))
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
	var f jobFieldValues
	for i := 0; i < n; i++ {
		jobs = append(jobs, f.job(C.cibatch_go_list_job(l, C.size_t(i), C.size_t(len(f)), &f[0])))
	}
	for i := 0; i < int(C.cibatch_job_list_non_exist_count(l)); i++ {
		missing = append(missing, goStr(C.cibatch_job_list_non_exist_get(l, C.size_t(i))))
	}
	return jobs, missing, goStr(C.cibatch_job_list_next_token(l)), goStr(C.cibatch_job_list_request_id(l))
}
