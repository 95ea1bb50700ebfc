package cibatch

// The check that the linked libcibatch is the one this package was built with. Go does not hash a static library
// named in #cgo LDFLAGS, nor a header outside the package directory, so a rebuilt library can be silently mixed
// with a stale package (or the reverse). Two checks, at start:
//   - the header's CIBATCH_VERSION, compiled into this package, against cibatch_version() of the linked library;
//   - the build identifier (a hash of the version, the header and the Rust sources) against cibatch_build_id(),
//     when this package knows one: scripts/package.sh writes it into the released module beside the prebuilt
//     library, and build.rs writes it into zz_buildid.go (not committed) at each cargo build in the repository,
//     which also makes `go build` recompile and relink after `cargo build --release`.

/*
#include "cibatch.h"
static const char *cibatch_header_version(void) { return CIBATCH_VERSION; }
*/
import "C"

import "fmt"

// expectedBuildID is the cibatch_build_id() this package was built for, "" when unknown. Set during package
// variable initialisation (before any init function) by zz_buildid.go when that file exists.
var expectedBuildID string

func init() {
	if err := checkLibrary(headerVersion(), Version(), expectedBuildID, BuildID()); err != nil {
		panic(err)
	}
}

// BuildID is the build identifier of the linked libcibatch (cibatch_build_id()): 16 hex digits.
func BuildID() string { return goStr(C.cibatch_build_id()) }

// headerVersion is the CIBATCH_VERSION of the cibatch.h this package was compiled with.
func headerVersion() string { return C.GoString(C.cibatch_header_version()) }

// checkLibrary compares what this package was built with against what it linked.
func checkLibrary(headerVersion, libraryVersion, wantBuildID, libraryBuildID string) error {
	if headerVersion != libraryVersion {
		return fmt.Errorf("cibatch: this Go package was built with cibatch.h version %s but linked libcibatch "+
			"version %s; inside the repository run `cargo build --release` at its root, then build again; "+
			"otherwise fetch the module again (its header and library come together)", headerVersion, libraryVersion)
	}
	if wantBuildID != "" && wantBuildID != libraryBuildID {
		return fmt.Errorf("cibatch: this Go package expects libcibatch build %s but linked build %s (both "+
			"version %s): the library is stale or from another build; inside the repository run "+
			"`cargo build --release` at its root, then build again; otherwise fetch the module again",
			wantBuildID, libraryBuildID, libraryVersion)
	}
	return nil
}
