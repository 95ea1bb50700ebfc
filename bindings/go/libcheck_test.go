package cibatch

import (
	"strings"
	"testing"
)

func TestCheckLibrary(t *testing.T) {
	if err := checkLibrary("0.1.0", "0.1.0", "", "0123456789abcdef"); err != nil {
		t.Fatalf("same version, no expected build: %v", err)
	}
	if err := checkLibrary("0.1.0", "0.1.0", "0123456789abcdef", "0123456789abcdef"); err != nil {
		t.Fatalf("same version and build: %v", err)
	}
	err := checkLibrary("0.2.0", "0.1.0", "", "")
	if err == nil || !strings.Contains(err.Error(), "0.2.0") || !strings.Contains(err.Error(), "0.1.0") {
		t.Fatalf("version mismatch: want both versions named, got %v", err)
	}
	err = checkLibrary("0.1.0", "0.1.0", "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb")
	if err == nil || !strings.Contains(err.Error(), "aaaaaaaaaaaaaaaa") || !strings.Contains(err.Error(), "bbbbbbbbbbbbbbbb") {
		t.Fatalf("build mismatch: want both builds named, got %v", err)
	}
}

// The package under test passed its own check at start; the identifiers it compared are the library's.
func TestLinkedLibraryMatches(t *testing.T) {
	if got, want := Version(), headerVersion(); got != want {
		t.Fatalf("library %s, header %s", got, want)
	}
	if expectedBuildID != "" && expectedBuildID != BuildID() {
		t.Fatalf("expected build %s, linked %s", expectedBuildID, BuildID())
	}
}
