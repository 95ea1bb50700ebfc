// Package goofficial runs the official Go SDK (github.com/tencentyun/cos-go-sdk-v5), unchanged, against our
// emulator, as tests/python does for the official Python SDK.
//
// This file is the shared setup: TestMain starts the standalone emulator (target/release/cibatch-emulator, or the
// binary named by CIBATCH_EMULATOR) once for the package, and newClient gives an official-SDK client for it that
// records every exchange. Add a file per API family (inventory_trigger_job_test.go is the batch-job calls); each
// test makes its own jobs, so tests do not depend on one another.
package goofficial

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// The emulator's local-only defaults (see the README's "The emulator").
const (
	secretID  = "AKIDcibatchEmulatorLocalOnly0000"
	secretKey = "cibatchEmulatorLocalOnlyKey00000"
)

// endpoint is the running emulator's base URL, set by TestMain.
var endpoint string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin := os.Getenv("CIBATCH_EMULATOR")
	if bin == "" {
		bin = filepath.Join("..", "..", "target", "release", "cibatch-emulator")
	}
	// Objects batch jobs fan out over (results_test.go): 12 images of which 2 fail, 5 videos of which 2 fail.
	cmd := exec.Command(bin, "--port", "0", "--submitted-ms", "200", "--running-ms", "400",
		"--objects", "12:results/img-:.jpg", "--objects", "1:results/video/a.mov", "--objects", "1:results/video/b.mp4",
		"--objects", "1:results/video/c.mp4", "--objects", "1:results/video/d.mov", "--objects", "1:results/video/e.mp4",
		"--fail-objects", "results/img-0001*:WorkflowFailed:unreadable",
		"--fail-objects", "*.mov:InvalidInput:unsupported <mov>")
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot start the emulator %s (cargo build --release --bin cibatch-emulator): %v\n", bin, err)
		return 1
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	// The first line: "endpoint=http://127.0.0.1:PORT bucket=... region=...".
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "the emulator printed no endpoint:", err)
		return 1
	}
	for _, field := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(field, "endpoint="); ok {
			endpoint = v
		}
	}
	if endpoint == "" {
		fmt.Fprintf(os.Stderr, "no endpoint in %q\n", line)
		return 1
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return m.Run()
}

// exchange is one request the SDK sent and the answer it got, as they were on the wire.
type exchange struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Status                 int
	Body                   string
}

// recorder is an http.RoundTripper that keeps every exchange, so tests can show what the SDK sent and what the
// emulator answered beside what the SDK made of it.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	all  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, exchange{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), resp.StatusCode, string(body)})
	return resp, nil
}

// last is the latest exchange.
func (r *recorder) last(t *testing.T) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.all) == 0 {
		t.Fatal("no request was sent")
	}
	return r.all[len(r.all)-1]
}

// newClient is an official-SDK client for the emulator, configured as the SDK's own examples do, and the recorder
// of its exchanges.
func newClient(t *testing.T) (*cos.Client, *recorder) {
	t.Helper()
	return newClientWithKey(t, secretKey)
}

// newClientWithKey is newClient signing with another SecretKey.
func newClientWithKey(t *testing.T, key string) (*cos.Client, *recorder) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: http.DefaultTransport}
	c := cos.NewClient(&cos.BaseURL{CIURL: u}, &http.Client{
		Timeout:   30 * time.Second,
		Transport: &cos.AuthorizationTransport{SecretID: secretID, SecretKey: key, Transport: rec},
	})
	return c, rec
}
