package cibatch

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// headerJobFields reads the cibatch_job_field enum of the cibatch.h this package builds with: name -> number.
func headerJobFields(t *testing.T) map[string]int {
	t.Helper()
	var header []byte
	var err error
	for _, path := range []string{"include/cibatch.h", "../../include/cibatch.h"} { // released module, repository
		if header, err = os.ReadFile(path); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("cibatch.h: %v", err)
	}
	enum := regexp.MustCompile(`(?s)typedef enum \{([^}]*)\} cibatch_job_field;`).FindSubmatch(header)
	if enum == nil {
		t.Fatal("cibatch.h has no cibatch_job_field enum")
	}
	fields := map[string]int{}
	for _, m := range regexp.MustCompile(`CIBATCH_JOB_FIELD_(\w+) = (\d+),`).FindAllSubmatch(enum[1], -1) {
		n, _ := strconv.Atoi(string(m[2]))
		fields[string(m[1])] = n
	}
	if len(fields) == 0 || strings.Count(string(enum[1]), "CIBATCH_JOB_FIELD_") != len(fields) {
		t.Fatalf("could not read cibatch_job_field:%s", enum[1])
	}
	return fields
}

// Every field the header names is read into the Job field of the same name (JOB_PARAM_XML: JobParamXML), and every
// exported Job field is one of them: a field added to the header, or to Job, without the other fails here.
func TestJobFieldsCoverTheHeader(t *testing.T) {
	fields := headerJobFields(t)
	covered := map[string]bool{}
	for name, n := range fields {
		if n >= len(jobFields) || jobFields[n] == nil {
			t.Errorf("CIBATCH_JOB_FIELD_%s (%d) is not read into Job (jobFields in job.go)", name, n)
			continue
		}
		var j Job
		jobFields[n](&j, "7")
		set := changedFields(Job{}, j)
		if want := strings.ReplaceAll(name, "_", ""); len(set) != 1 || !strings.EqualFold(set[0], want) {
			t.Errorf("CIBATCH_JOB_FIELD_%s (%d) sets Job fields %v, want the one named like it", name, n, set)
			continue
		}
		covered[set[0]] = true
	}
	if len(jobFields) != len(fields) {
		t.Errorf("jobFields has %d entries; the header names %d fields", len(jobFields), len(fields))
	}
	jt := reflect.TypeOf(Job{})
	for i := 0; i < jt.NumField(); i++ {
		if f := jt.Field(i); f.IsExported() && !covered[f.Name] {
			t.Errorf("Job.%s is not read from any cibatch_job_field", f.Name)
		}
	}
}

// changedFields names the fields that differ between a and b.
func changedFields(a, b Job) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []string
	for i := 0; i < va.NumField(); i++ {
		if f := va.Type().Field(i); f.IsExported() && !va.Field(i).Equal(vb.Field(i)) {
			out = append(out, f.Name)
		}
	}
	return out
}
