package cibatch

/*
#include <stdbool.h>
#include <stdint.h>
#include "cibatch.h"
*/
import "C"

import (
	"context"
	"runtime/cgo"
)

// waitState travels to the C wait callback as a cgo.Handle: C never holds a Go pointer.
type waitState struct {
	ctx      context.Context
	onState  func(Job)
	panicked any
}

//export cibatchGoWaitCallback
func cibatchGoWaitCallback(handle C.uintptr_t, job *C.cibatch_job, changed C.bool) C.bool {
	st := cgo.Handle(handle).Value().(*waitState)
	if st.panicked != nil {
		return false
	}
	if bool(changed) && st.onState != nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					st.panicked = r
				}
			}()
			st.onState(jobFrom(job))
		}()
		if st.panicked != nil {
			return false
		}
	}
	return C.bool(st.ctx.Err() == nil)
}
