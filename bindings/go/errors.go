package cibatch

/*
#include "cibatch.h"
*/
import "C"

import (
	"errors"
)

// Kind classifies an Error. Values are the C library's cibatch_result, taken from its header.
type Kind int

const (
	KindInvalidArgument Kind = C.CIBATCH_INVALID_INPUT    // refused before anything was sent; Argument names it
	KindTransport       Kind = C.CIBATCH_TRANSPORT        // no answer: DNS, connect, timeout, TLS, broken connection
	KindService         Kind = C.CIBATCH_SERVICE          // the service answered with an error (returned as *ServiceError)
	KindInvalidResponse Kind = C.CIBATCH_INVALID_RESPONSE // an answer that could not be read
	KindJobNotFound     Kind = C.CIBATCH_JOB_NOT_FOUND    // DescribeJob of an unknown ID
	KindWaitTimeout     Kind = C.CIBATCH_WAIT_TIMEOUT     // WaitForJob ran out of time
	KindNullArgument    Kind = C.CIBATCH_NULL_ARGUMENT    // a bug in this package: a NULL reached the C library
	KindInvalidUTF8     Kind = C.CIBATCH_INVALID_UTF8     // a string that is not UTF-8
	KindInternal        Kind = C.CIBATCH_PANIC            // an internal error in the library
	KindIO              Kind = C.CIBATCH_IO               // the emulator could not start
	KindCancelled       Kind = C.CIBATCH_CANCELLED        // the context was cancelled, or OnState stopped a wait
	KindCredentials     Kind = C.CIBATCH_CREDENTIALS      // the credentials provider failed and no valid credentials were left
	KindClosed          Kind = C.CIBATCH_CLOSED           // the client was closed before the call started
	// KindOutcomeUnknown: a create failed after its request may have reached the service; a job may exist now.
	KindOutcomeUnknown Kind = C.CIBATCH_OUTCOME_UNKNOWN
	// KindAmbiguousCreate: a lost create was looked for and several jobs match (Error.JobIDs); nothing more made.
	KindAmbiguousCreate Kind = C.CIBATCH_AMBIGUOUS_CREATE
)

// Sentinel errors for errors.Is.
var (
	ErrInvalidArgument = errors.New("cibatch: invalid argument")
	ErrTransport       = errors.New("cibatch: transport error")
	ErrTimeout         = errors.New("cibatch: timeout")
	ErrService         = errors.New("cibatch: service error")
	ErrInvalidResponse = errors.New("cibatch: invalid response")
	ErrJobNotFound     = errors.New("cibatch: job not found")
	ErrCancelled       = errors.New("cibatch: cancelled")
	ErrCredentials     = errors.New("cibatch: credentials unavailable")
	ErrClosed          = errors.New("cibatch: client closed")
	ErrOutcomeUnknown  = errors.New("cibatch: create outcome unknown")
	ErrAmbiguousCreate = errors.New("cibatch: several jobs match a lost create")
)

// Error is every failure but a service error. Message never contains a secret.
type Error struct {
	Kind      Kind
	Message   string
	Argument  string // for KindInvalidArgument and KindInvalidUTF8
	Status    int    // HTTP status when there was an answer
	RequestID string
	TraceID   string
	Attempts  int // requests sent for the call
	Timeout   bool
	JobIDs    []string // for KindAmbiguousCreate: the jobs that match the create
	// For KindOutcomeUnknown: the kind of the failure behind it (KindTransport, KindService, KindCancelled, ...), and
	// the service's code and message when it was an error answer. errors.Is matches the cause's sentinel too.
	Cause          Kind
	Code           string
	ServiceMessage string
}

func (e *Error) Error() string { return e.Message }

// Is matches the sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidArgument:
		return e.Kind == KindInvalidArgument || e.Kind == KindInvalidUTF8 || e.Kind == KindNullArgument
	case ErrTransport:
		return e.Kind == KindTransport || e.Cause == KindTransport
	case ErrService:
		return e.Cause == KindService
	case ErrTimeout:
		return e.Timeout
	case ErrInvalidResponse:
		return e.Kind == KindInvalidResponse
	case ErrJobNotFound:
		return e.Kind == KindJobNotFound
	case ErrCancelled:
		return e.Kind == KindCancelled || e.Cause == KindCancelled
	case ErrCredentials:
		return e.Kind == KindCredentials
	case ErrClosed:
		return e.Kind == KindClosed
	case ErrOutcomeUnknown:
		return e.Kind == KindOutcomeUnknown
	case ErrAmbiguousCreate:
		return e.Kind == KindAmbiguousCreate
	}
	return false
}

// ServiceError is an error answer from the service.
type ServiceError struct {
	Status    int    // HTTP status
	Code      string // the service's code, e.g. "InvalidArgument", "SlowDown"
	Message   string // the service's message
	RequestID string
	TraceID   string
	Attempts  int
	full      string
}

func (e *ServiceError) Error() string { return e.full }

// Is matches ErrService.
func (e *ServiceError) Is(target error) bool { return target == ErrService }

// takeError converts and frees a C error object.
func takeError(result C.cibatch_result, cerr *C.cibatch_error) error {
	defer C.cibatch_error_free(cerr)
	msg := goStr(C.cibatch_error_message(cerr))
	if msg == "" {
		msg = goStr(C.cibatch_result_name(C.int32_t(result)))
	}
	if result == C.CIBATCH_SERVICE {
		return &ServiceError{
			Status:    int(C.cibatch_error_status(cerr)),
			Code:      goStr(C.cibatch_error_code(cerr)),
			Message:   goStr(C.cibatch_error_service_message(cerr)),
			RequestID: goStr(C.cibatch_error_request_id(cerr)),
			TraceID:   goStr(C.cibatch_error_trace_id(cerr)),
			Attempts:  int(C.cibatch_error_attempts(cerr)),
			full:      msg,
		}
	}
	var ids []string
	for i := C.size_t(0); i < C.cibatch_error_job_id_count(cerr); i++ {
		ids = append(ids, goStr(C.cibatch_error_job_id(cerr, i)))
	}
	var cause Kind
	if result == C.CIBATCH_OUTCOME_UNKNOWN {
		cause = Kind(C.cibatch_error_cause_result(cerr))
	}
	return &Error{
		Cause:          cause,
		Code:           goStr(C.cibatch_error_code(cerr)),
		ServiceMessage: goStr(C.cibatch_error_service_message(cerr)),
		JobIDs:         ids,
		Kind:           Kind(result),
		Message:        msg,
		Argument:       goStr(C.cibatch_error_argument(cerr)),
		Status:         int(C.cibatch_error_status(cerr)),
		RequestID:      goStr(C.cibatch_error_request_id(cerr)),
		TraceID:        goStr(C.cibatch_error_trace_id(cerr)),
		Attempts:       int(C.cibatch_error_attempts(cerr)),
		Timeout:        bool(C.cibatch_error_is_timeout(cerr)),
	}
}

func isCredentials(err error) bool { return err != nil && errors.Is(err, ErrCredentials) }

// check turns a C result into a Go error.
func check(result C.cibatch_result, cerr *C.cibatch_error) error {
	if result == C.CIBATCH_OK {
		return nil
	}
	return takeError(result, cerr)
}
