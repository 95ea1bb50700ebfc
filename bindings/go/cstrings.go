package cibatch

/*
#include <stdlib.h>
*/
import "C"

import (
	"strings"
	"unsafe"
)

// cStrings holds the C strings made for one call into the library: each is copied into C memory, and one deferred
// free releases them all once the call has returned (the library copies whatever it keeps).
//
// A Go string may hold a NUL byte, which would silently end it early in C. Such a string is never copied: it
// becomes NULL, and err becomes an invalid-argument error naming arg ("invalid argument `arg`: contains NUL") for the
// first one. Make every string of the call, then check err before passing any of them to C.
type cStrings struct {
	err   error
	owned []unsafe.Pointer
}

// str copies s into C memory; arg names s in the error for a NUL.
func (a *cStrings) str(arg, s string) *C.char {
	if strings.IndexByte(s, 0) >= 0 {
		if a.err == nil {
			a.err = &Error{Kind: KindInvalidArgument, Argument: arg,
				Message: "invalid argument `" + arg + "`: contains NUL"}
		}
		return nil
	}
	p := C.CString(s)
	a.owned = append(a.owned, unsafe.Pointer(p))
	return p
}

// check records the error for a NUL in text that reaches C in another form (an order, a time.Time) or not at all.
func (a *cStrings) check(arg string, values ...string) {
	for _, v := range values {
		if a.err == nil && strings.IndexByte(v, 0) >= 0 {
			a.str(arg, v)
		}
	}
}

// opt is str, or NULL for "" (an optional argument left out).
func (a *cStrings) opt(arg, s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(arg, s)
}

// array copies values into an array of C strings, the array itself in C memory: cgo forbids passing C a Go pointer
// to memory that holds Go pointers. Never NULL, even for no values.
func (a *cStrings) array(arg string, values []string) **C.char {
	mem := C.malloc(C.size_t(max(len(values), 1)) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
	a.owned = append(a.owned, mem)
	arr := unsafe.Slice((**C.char)(mem), len(values))
	for i, v := range values {
		arr[i] = a.str(arg, v)
	}
	return (**C.char)(mem)
}

// free releases every string and array made.
func (a *cStrings) free() {
	for _, p := range a.owned {
		C.free(p)
	}
	a.owned = nil
}

// goStr copies a C string into Go; NULL is "".
func goStr(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
