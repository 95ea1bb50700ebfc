package cibatch

/*
#include <stdlib.h>
#include "cibatch.h"
*/
import "C"

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
	const arg = "SignInput"
	var cs cStrings
	defer cs.free()
	method, path, id, key := cs.str(arg, in.Method), cs.str(arg, in.Path), cs.str(arg, in.SecretID), cs.str(arg, in.SecretKey)
	paramNames, paramValues := cs.array(arg, names(in.Params)), cs.array(arg, values(in.Params))
	headerNames, headerValues := cs.array(arg, names(in.Headers)), cs.array(arg, values(in.Headers))
	if cs.err != nil {
		return "", cs.err
	}
	var out *C.char
	var cerr *C.cibatch_error
	result := C.cibatch_sign(method, path, paramNames, paramValues, C.size_t(len(in.Params)), headerNames, headerValues,
		C.size_t(len(in.Headers)), id, key, C.int64_t(in.Start), C.int64_t(in.End), &out, &cerr)
	if err := check(result, cerr); err != nil {
		return "", err
	}
	defer C.cibatch_string_free(out)
	return C.GoString(out), nil
}

func names(pairs []Pair) []string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.Name
	}
	return out
}

func values(pairs []Pair) []string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.Value
	}
	return out
}
