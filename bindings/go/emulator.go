package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// EmulatorOptions configures StartEmulator. Zero values take the defaults.
type EmulatorOptions struct {
	Port  uint16 // 0: a free port
	Token string // when set, every request must carry and sign this session token
	// Submitted and Running are how long a new job stays in each state before it succeeds
	// (defaults 200ms and 800ms).
	Submitted, Running time.Duration
	// Clock is what moves jobs from state to state: ClockWall (the default), ClockManual or ClockPerDescribe.
	Clock EmulatorClock
}

// EmulatorClock is what moves the emulator's jobs from Submitted to Running to their end. Tests that assert a
// sequence of states or a duration use ClockManual or ClockPerDescribe, so that no load on the machine changes what
// they see.
type EmulatorClock uint32

const (
	// ClockWall is real time: Submitted for EmulatorOptions.Submitted, then Running for Running (plus Advance).
	ClockWall EmulatorClock = C.CIBATCH_EMULATOR_CLOCK_WALL
	// ClockManual stands still until Advance moves it.
	ClockManual EmulatorClock = C.CIBATCH_EMULATOR_CLOCK_MANUAL
	// ClockPerDescribe moves a job one state on each time a describe returns it, after answering: the first
	// describe after create says Submitted, the second Running, the third and later its end.
	ClockPerDescribe EmulatorClock = C.CIBATCH_EMULATOR_CLOCK_PER_DESCRIBE
)

// Emulator is a local emulator of the batch-job API on 127.0.0.1, for tests. Safe for concurrent use.
type Emulator struct {
	mu  sync.RWMutex
	ptr *C.cibatch_emulator
}

// StartEmulator starts an emulator. Close it when done.
func StartEmulator(o EmulatorOptions) (*Emulator, error) {
	var cs cStrings
	defer cs.free()
	token := cs.opt("Token", o.Token)
	if cs.err != nil {
		return nil, cs.err
	}
	var ptr *C.cibatch_emulator
	var cerr *C.cibatch_error
	if err := check(C.cibatch_emulator_start(C.uint16_t(o.Port), token, millis(o.Submitted), millis(o.Running), &ptr,
		&cerr), cerr); err != nil {
		return nil, err
	}
	e := &Emulator{ptr: ptr}
	runtime.SetFinalizer(e, (*Emulator).Close)
	if o.Clock != ClockWall {
		if err := e.SetClock(o.Clock); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// SetClock changes what moves jobs; the job clock goes on from where it is.
func (e *Emulator) SetClock(clock EmulatorClock) error {
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_set_clock(p, C.uint32_t(clock), cerr)
	})
}

// Advance moves the job clock forward by d (under any clock): jobs whose time in a state has passed move on.
func (e *Emulator) Advance(d time.Duration) {
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		C.cibatch_emulator_advance(p, millis(d))
		return C.CIBATCH_OK
	})
}

// Close stops the emulator. Idempotent.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr != nil {
		C.cibatch_emulator_free(e.ptr)
		e.ptr = nil
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

func (e *Emulator) str(f func(*C.cibatch_emulator) *C.char) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return ""
	}
	return goStr(f(e.ptr))
}

// Endpoint is "http://127.0.0.1:PORT".
func (e *Emulator) Endpoint() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_endpoint(p) })
}

// Bucket is the emulated bucket.
func (e *Emulator) Bucket() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_bucket(p) })
}

// Region is the emulated region.
func (e *Emulator) Region() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_region(p) })
}

// SecretID is the SecretId the emulator accepts.
func (e *Emulator) SecretID() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_secret_id(p) })
}

// SecretKey is the (local-only) SecretKey the emulator accepts.
func (e *Emulator) SecretKey() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_secret_key(p) })
}

// Token is the session token the emulator requires, or "".
func (e *Emulator) Token() string {
	return e.str(func(p *C.cibatch_emulator) *C.char { return C.cibatch_emulator_session_token(p) })
}

// Config is a client configuration for this emulator.
func (e *Emulator) Config() Config {
	return Config{Bucket: e.Bucket(), Region: e.Region(), SecretID: e.SecretID(), SecretKey: e.SecretKey(),
		Token: e.Token(), Endpoint: e.Endpoint()}
}

func (e *Emulator) do(f func(*C.cibatch_emulator, **C.cibatch_error) C.cibatch_result) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return &Error{Kind: KindInvalidArgument, Argument: "emulator", Message: "cibatch: the emulator is closed"}
	}
	var cerr *C.cibatch_error
	return check(f(e.ptr, &cerr), cerr)
}

// Fault is a fault without parameters, for Inject.
type Fault uint32

const (
	FaultCloseConnection Fault = C.CIBATCH_FAULT_CLOSE_CONNECTION // close without answering
	FaultCutBody         Fault = C.CIBATCH_FAULT_CUT_BODY         // handle, then send half the body and close
	FaultTruncatedXML    Fault = C.CIBATCH_FAULT_TRUNCATED_XML    // handle, then answer 200 with half the XML
	FaultMalformedXML    Fault = C.CIBATCH_FAULT_MALFORMED_XML    // handle, then answer 200 with XML that is not well-formed
	FaultEmptyPage       Fault = C.CIBATCH_FAULT_EMPTY_PAGE       // answer 200 with no jobs and a new NextToken
	FaultLoseAnswer      Fault = C.CIBATCH_FAULT_LOSE_ANSWER      // handle, then close without answering
)

// Switch is one of the emulator's answers where the service's documents are silent, for SetSwitch.
type Switch uint32

const (
	// SwitchListDefaultWorkflow: a list without a type covers only Workflow jobs (off: both types).
	SwitchListDefaultWorkflow Switch = C.CIBATCH_SWITCH_LIST_DEFAULT_WORKFLOW
	// SwitchDescribeJoinedAsOneID: a describe of comma-joined IDs is answered as one unknown ID.
	SwitchDescribeJoinedAsOneID Switch = C.CIBATCH_SWITCH_DESCRIBE_JOINED_AS_ONE_ID
	// SwitchRepeatLastToken: the last page repeats the token it was asked with instead of an empty NextToken.
	SwitchRepeatLastToken Switch = C.CIBATCH_SWITCH_REPEAT_LAST_TOKEN
)

// SetSwitch turns s on or off for the requests that follow.
func (e *Emulator) SetSwitch(s Switch, on bool) error {
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_set_switch(p, C.uint32_t(s), C.bool(on), cerr)
	})
}

// Inject applies f to the next `times` requests.
func (e *Emulator) Inject(f Fault, times int) error {
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_inject(p, C.uint32_t(f), C.uint32_t(times), cerr)
	})
}

// InjectStatus answers the next `times` requests with HTTP status and an <Error> carrying code.
func (e *Emulator) InjectStatus(status int, code string, times int) error {
	var cs cStrings
	defer cs.free()
	c := cs.str("code", code)
	if cs.err != nil {
		return cs.err
	}
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_inject_status(p, C.uint16_t(status), c, C.uint32_t(times), cerr)
	})
}

// InjectDelay answers the next `times` requests after d.
func (e *Emulator) InjectDelay(d time.Duration, times int) error {
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_inject_delay(p, millis(d), C.uint32_t(times), cerr)
	})
}

// InjectHugeBody answers the next `times` requests with about n bytes.
func (e *Emulator) InjectHugeBody(n int, times int) error {
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_inject_huge_body(p, C.size_t(n), C.uint32_t(times), cerr)
	})
}

// ClearFaults drops every queued fault.
func (e *Emulator) ClearFaults() {
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		C.cibatch_emulator_clear_faults(p)
		return C.CIBATCH_OK
	})
}

// JobCount is the number of jobs created so far.
func (e *Emulator) JobCount() int {
	n := 0
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		n = int(C.cibatch_emulator_job_count(p))
		return C.CIBATCH_OK
	})
	return n
}

// RequestCount is the number of requests received so far.
func (e *Emulator) RequestCount() uint64 {
	var n uint64
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		n = uint64(C.cibatch_emulator_request_count(p))
		return C.CIBATCH_OK
	})
	return n
}

// SetTiming changes how long jobs stay Submitted and then Running.
func (e *Emulator) SetTiming(submitted, running time.Duration) {
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		C.cibatch_emulator_set_timing(p, millis(submitted), millis(running))
		return C.CIBATCH_OK
	})
}

// SetClockSkew puts the emulated service's clock d ahead of this machine's (negative: behind).
func (e *Emulator) SetClockSkew(d time.Duration) {
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		C.cibatch_emulator_set_clock_skew(p, C.int64_t(d/time.Second))
		return C.CIBATCH_OK
	})
}

// FailJob makes a job end Failed with code and message.
func (e *Emulator) FailJob(jobID, code, message string) error {
	var cs cStrings
	defer cs.free()
	id, c, m := cs.str("FailJob", jobID), cs.str("FailJob", code), cs.str("FailJob", message)
	if cs.err != nil {
		return cs.err
	}
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_fail_job(p, id, c, m, cerr)
	})
}

// SetJobState puts a job in state now; it stays there.
func (e *Emulator) SetJobState(jobID, state string) error {
	var cs cStrings
	defer cs.free()
	id, st := cs.str("SetJobState", jobID), cs.str("SetJobState", state)
	if cs.err != nil {
		return cs.err
	}
	return e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_set_job_state(p, id, st, cerr)
	})
}

// AddObjects adds objects (keys) to the emulated bucket. A batch job created afterwards fans out over the objects
// under its Prefix (or its one Object): one workflow execution per object per workflow ID, or one media job per
// object; they run while it runs and end with it.
func (e *Emulator) AddObjects(keys ...string) error {
	var cs cStrings
	defer cs.free()
	ks := unsafe.Slice(cs.array("keys", keys), len(keys))
	if cs.err != nil {
		return cs.err
	}
	for _, k := range ks {
		if err := e.do(func(p *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
			return C.cibatch_emulator_add_objects(p, k, nil, 1, cerr)
		}); err != nil {
			return err
		}
	}
	return nil
}

// AddNumberedObjects adds count objects "<prefix>00000<suffix>", "<prefix>00001<suffix>", ... in one call.
func (e *Emulator) AddNumberedObjects(prefix string, count int, suffix string) error {
	var cs cStrings
	defer cs.free()
	p, s := cs.str("AddNumberedObjects", prefix), cs.str("AddNumberedObjects", suffix)
	if cs.err != nil {
		return cs.err
	}
	n, err := intArg("count", int64(count), 1_000_000)
	if err != nil {
		return err
	}
	return e.do(func(em *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_add_objects(em, p, s, C.uint32_t(n), cerr)
	})
}

// ObjectCount is the number of objects in the emulated bucket.
func (e *Emulator) ObjectCount() int {
	n := 0
	_ = e.do(func(p *C.cibatch_emulator, _ **C.cibatch_error) C.cibatch_result {
		n = int(C.cibatch_emulator_object_count(p))
		return C.CIBATCH_OK
	})
	return n
}

// FailObjects makes the units of batch jobs created afterwards whose object key matches pattern ("*" matches any
// run of characters) end Failed with code and message; the batch job itself still ends Success.
func (e *Emulator) FailObjects(pattern, code, message string) error {
	var cs cStrings
	defer cs.free()
	p, c, m := cs.str("FailObjects", pattern), cs.str("FailObjects", code), cs.str("FailObjects", message)
	if cs.err != nil {
		return cs.err
	}
	return e.do(func(em *C.cibatch_emulator, cerr **C.cibatch_error) C.cibatch_result {
		return C.cibatch_emulator_fail_objects(em, p, c, m, cerr)
	})
}
