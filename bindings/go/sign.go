package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

import "unsafe"

// Pair is one query parameter or header.
type Pair struct{ Name, Value string }

// SignInput is everything a COS request signature covers. Path is the decoded path
// ("/inventorytriggerjob/abc"); Params without a value have Value "". Only the headers the official SDKs sign
// are used (host, content-*, x-cos-*, x-ci-*, ...). Start and End bound the key time, in Unix seconds.
type SignInput struct {
	Method, Path        string
	Params, Headers     []Pair
	SecretID, SecretKey string
	Start, End          int64
}

// Sign computes the Authorization header value (q-sign-algorithm=sha1&...) for any COS/CI request.
func Sign(in SignInput) (string, error) {
	texts := []string{in.Method, in.Path, in.SecretID, in.SecretKey}
	for _, p := range append(append([]Pair{}, in.Params...), in.Headers...) {
		texts = append(texts, p.Name, p.Value)
	}
	if err := checkText("SignInput", texts...); err != nil {
		return "", err
	}
	var strs []*C.char
	defer func() {
		for _, s := range strs {
			free(s)
		}
	}()
	s := func(v string) *C.char {
		p := cstr(v)
		strs = append(strs, p)
		return p
	}
	// Arrays of C strings, in C memory.
	arrays := func(pairs []Pair) (names, values **C.char, release func()) {
		size := C.size_t(max(len(pairs), 1)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))
		nm, vm := C.malloc(size), C.malloc(size)
		ns, vs := unsafe.Slice((**C.char)(nm), len(pairs)), unsafe.Slice((**C.char)(vm), len(pairs))
		for i, p := range pairs {
			ns[i], vs[i] = s(p.Name), s(p.Value)
		}
		return (**C.char)(nm), (**C.char)(vm), func() { C.free(nm); C.free(vm) }
	}
	pn, pv, releaseP := arrays(in.Params)
	defer releaseP()
	hn, hv, releaseH := arrays(in.Headers)
	defer releaseH()
	var out *C.char
	var cerr *C.cibatch_error
	result := C.cibatch_sign(s(in.Method), s(in.Path), pn, pv, C.size_t(len(in.Params)), hn, hv,
		C.size_t(len(in.Headers)), s(in.SecretID), s(in.SecretKey), C.int64_t(in.Start), C.int64_t(in.End), &out, &cerr)
	if err := check(result, cerr); err != nil {
		return "", err
	}
	defer C.cibatch_string_free(out)
	return C.GoString(out), nil
}
