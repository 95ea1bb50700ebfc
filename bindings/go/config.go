package cibatch

/*
#include <stdint.h>
#include "cibatch.h"

extern bool cibatchGoCredentials(uintptr_t handle, cibatch_credentials *out);
extern void cibatchGoLog(uintptr_t handle, int level, char *message);

static bool cibatch_go_credentials(void *user_data, cibatch_credentials *out) {
	return cibatchGoCredentials((uintptr_t)user_data, out);
}

static void cibatch_go_log(void *user_data, cibatch_log_level level, const char *message) {
	cibatchGoLog((uintptr_t)user_data, (int)level, (char *)message);
}

static cibatch_result cibatch_go_set_provider(cibatch_config *config, uintptr_t handle,
                                              cibatch_release_callback release, cibatch_error **error) {
	return cibatch_config_set_credentials_provider(config, cibatch_go_credentials, (void *)handle, release, error);
}

static cibatch_result cibatch_go_set_logger(cibatch_config *config, uintptr_t handle, uint32_t level,
                                            cibatch_release_callback release, cibatch_error **error) {
	return cibatch_config_set_logger(config, cibatch_go_log, (void *)handle, level, release, error);
}
*/
import "C"

import (
	"context"
	"log/slog"
	"math"
	"runtime/cgo"
	"time"
)

// Config configures a Client. Bucket, Region, SecretID and SecretKey are required.
type Config struct {
	Bucket    string // "examplebucket-1250000000"
	Region    string // "ap-beijing"
	SecretID  string
	SecretKey string
	Token     string // session token of temporary credentials
	Endpoint  string // a full base URL ("http://127.0.0.1:9000") replacing scheme and host
	// Timeout bounds one attempt (default 60s); a context deadline bounds a whole call. Timeouts, backoffs and
	// waits are at most 24h; negative values and values out of range are refused by NewClient.
	Timeout        time.Duration
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	UserAgent      string
	// MaxAttempts for describe, list and cancel (default 3, at most 10). Create is retried only with RetryCreate:
	// the API has no idempotency token, so a create sent again can start a second job.
	MaxAttempts int
	RetryCreate bool
	// ResolveCreates: after a create fails with ErrOutcomeUnknown, look for the job it may have made and return it
	// when exactly one matches (same type, name, input, workflow or tag); create once more when none does; fail with
	// ErrAmbiguousCreate (Error.JobIDs) when several do. Replaces RetryCreate. Give jobs unique names.
	ResolveCreates bool
	// BackoffBase and BackoffCap shape the full-jitter exponential backoff between retries: before retry n the
	// client waits a random time up to min(BackoffCap, BackoffBase * 2^(n-1)), or the service's Retry-After up to
	// BackoffCap (library defaults 200ms and 5s, each at most 24h). Zero keeps the library's default, so either may
	// be set alone: a BackoffBase above the default cap with no BackoffCap waits at most that cap.
	BackoffBase, BackoffCap time.Duration
	// ClockOffset is added to this machine's clock when signing (at most a day either way). A skewed clock is also
	// corrected from the service's answer.
	ClockOffset time.Duration
	// CABundle is a PEM file of root certificates to trust instead of the built-in ones.
	CABundle string
	// Proxy is an HTTP(S) proxy URL; when empty, HTTPS_PROXY/ALL_PROXY/NO_PROXY are honoured.
	Proxy string
	// MaxResponseBytes (default 8 MiB, at most 1 GiB) and MaxXMLDepth (default 32, 4 to 256) bound what a
	// response may cost.
	MaxResponseBytes int64
	MaxXMLDepth      int
	// CredentialsProvider, when set, supplies temporary credentials instead of SecretID/SecretKey/Token. The client
	// calls it before the first request and again 5 minutes before Expires, once for all goroutines, with no lock
	// held. A call on this client from inside it fails at once with ErrCredentials; a panic in it (or
	// runtime.Goexit) is raised again on the goroutine whose call needed the credentials.
	CredentialsProvider func() (Credentials, error)
	// Logger receives the client's log messages (debug: each request's line, status, request id, attempt and
	// duration). Never a secret. It may call the client; a panic in its handler is raised again on the goroutine
	// whose call logged, once that call has returned.
	Logger *slog.Logger
	// HTTP makes requests to the default host over plain HTTP instead of HTTPS.
	HTTP bool
}

// intArg checks that v fits the C parameter (0: keep the default).
func intArg(name string, v int64, max uint64) (uint64, error) {
	if v < 0 || uint64(v) > max {
		return 0, &Error{Kind: KindInvalidArgument, Argument: name,
			Message: "invalid argument `" + name + "`: out of range"}
	}
	return uint64(v), nil
}

// durationArg checks a duration setting (0: keep the default); the library refuses more than a day.
func durationArg(name string, d time.Duration) (C.uint64_t, error) {
	if d < 0 {
		return 0, &Error{Kind: KindInvalidArgument, Argument: name,
			Message: "invalid argument `" + name + "`: negative"}
	}
	return millis(d), nil
}

// NewClient checks cfg (nothing is sent) and makes a client.
func NewClient(cfg Config) (*Client, error) {
	if cfg.CredentialsProvider != nil && cfg.SecretID == "" && cfg.SecretKey == "" {
		// The library wants placeholders; the provider's credentials are used instead.
		cfg.SecretID, cfg.SecretKey = "-", "-"
	}
	const arg = "config"
	var cs cStrings
	defer cs.free()
	bucket, region, id, key := cs.str(arg, cfg.Bucket), cs.str(arg, cfg.Region), cs.str(arg, cfg.SecretID),
		cs.str(arg, cfg.SecretKey)
	token, endpoint, userAgent := cs.opt(arg, cfg.Token), cs.opt(arg, cfg.Endpoint), cs.opt(arg, cfg.UserAgent)
	caBundle, proxy := cs.opt(arg, cfg.CABundle), cs.opt(arg, cfg.Proxy)
	if cs.err != nil {
		return nil, cs.err
	}
	var ccfg *C.cibatch_config
	var cerr *C.cibatch_error
	if err := check(C.cibatch_config_new(bucket, region, id, key, &ccfg, &cerr), cerr); err != nil {
		return nil, err
	}
	defer C.cibatch_config_free(ccfg)
	if cfg.Token != "" {
		if err := check(C.cibatch_config_set_token(ccfg, token, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.Endpoint != "" {
		if err := check(C.cibatch_config_set_endpoint(ccfg, endpoint, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.HTTP {
		if err := check(C.cibatch_config_set_https(ccfg, false, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	var timeouts [3]C.uint64_t
	for i, d := range []struct {
		name string
		d    time.Duration
	}{{"Timeout", cfg.Timeout}, {"ConnectTimeout", cfg.ConnectTimeout}, {"ReadTimeout", cfg.ReadTimeout}} {
		ms, err := durationArg(d.name, d.d)
		if err != nil {
			return nil, err
		}
		timeouts[i] = ms
	}
	if timeouts != [3]C.uint64_t{} { // 0 keeps the library's value
		if err := check(C.cibatch_config_set_timeouts(ccfg, timeouts[0], timeouts[1], timeouts[2], &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.UserAgent != "" {
		if err := check(C.cibatch_config_set_user_agent(ccfg, userAgent, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if err := setRetries(ccfg, cfg); err != nil {
		return nil, err
	}
	if cfg.ResolveCreates {
		if err := check(C.cibatch_config_set_resolve_creates(ccfg, true, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.ClockOffset != 0 {
		if err := check(C.cibatch_config_set_clock_offset(ccfg, C.int64_t(cfg.ClockOffset/time.Second), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.CABundle != "" {
		if err := check(C.cibatch_config_set_ca_bundle(ccfg, caBundle, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.Proxy != "" {
		if err := check(C.cibatch_config_set_proxy(ccfg, proxy, &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.MaxResponseBytes != 0 {
		n, err := intArg("MaxResponseBytes", cfg.MaxResponseBytes, math.MaxUint64)
		if err != nil {
			return nil, err
		}
		if err := check(C.cibatch_config_set_max_response_bytes(ccfg, C.uint64_t(n), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	if cfg.MaxXMLDepth != 0 {
		n, err := intArg("MaxXMLDepth", int64(cfg.MaxXMLDepth), math.MaxUint32)
		if err != nil {
			return nil, err
		}
		if err := check(C.cibatch_config_set_max_xml_depth(ccfg, C.uint32_t(n), &cerr), cerr); err != nil {
			return nil, err
		}
	}
	// The library deletes each handle (releaser) when nothing can call back with it any more.
	var cb *callbacks
	if cfg.Logger != nil || cfg.CredentialsProvider != nil {
		cb = &callbacks{}
	}
	if cfg.Logger != nil {
		level := C.uint32_t(0)
		for _, l := range []struct {
			slog  slog.Level
			level C.uint32_t
		}{{slog.LevelDebug, C.CIBATCH_LOG_DEBUG}, {slog.LevelInfo, C.CIBATCH_LOG_INFO}, {slog.LevelWarn, C.CIBATCH_LOG_WARN},
			{slog.LevelError, C.CIBATCH_LOG_ERROR}} {
			if cfg.Logger.Enabled(context.Background(), l.slog) {
				level = l.level
				break
			}
		}
		if level > 0 {
			h := cgo.NewHandle(&logState{logger: cfg.Logger, cb: cb})
			if err := check(C.cibatch_go_set_logger(ccfg, C.uintptr_t(h), level, releaser(), &cerr), cerr); err != nil {
				h.Delete()
				return nil, err
			}
		}
	}
	if cfg.CredentialsProvider != nil {
		logger := cfg.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		h := cgo.NewHandle(&providerState{provide: cfg.CredentialsProvider, logger: logger, cb: cb})
		if err := check(C.cibatch_go_set_provider(ccfg, C.uintptr_t(h), releaser(), &cerr), cerr); err != nil {
			h.Delete()
			return nil, err
		}
	}
	var ptr *C.cibatch_client
	if err := check(C.cibatch_client_new(ccfg, &ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	c := newClient(ptr)
	c.cb = cb
	return c, nil
}

// setRetries sets the retry knobs cfg sets, and only those: the others keep the library's defaults, which this
// package does not restate. The library checks the ranges.
func setRetries(ccfg *C.cibatch_config, cfg Config) error {
	var cerr *C.cibatch_error
	if cfg.MaxAttempts != 0 {
		n, err := intArg("MaxAttempts", int64(cfg.MaxAttempts), math.MaxUint32)
		if err != nil {
			return err
		}
		if err := check(C.cibatch_config_set_max_attempts(ccfg, C.uint32_t(n), &cerr), cerr); err != nil {
			return err
		}
	}
	if cfg.RetryCreate {
		if err := check(C.cibatch_config_set_retry_create(ccfg, true, &cerr), cerr); err != nil {
			return err
		}
	}
	base, err := durationArg("BackoffBase", cfg.BackoffBase)
	if err != nil {
		return err
	}
	capMs, err := durationArg("BackoffCap", cfg.BackoffCap)
	if err != nil {
		return err
	}
	if base != 0 || capMs != 0 {
		// 0 keeps the library's default for the one not set.
		return check(C.cibatch_config_set_backoff(ccfg, base, capMs, &cerr), cerr)
	}
	return nil
}

// NewClientFromEnv makes a client from CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT and
// TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY/TENCENTCLOUD_SESSION_TOKEN (else COS_SECRET_ID/COS_SECRET_KEY).
func NewClientFromEnv() (*Client, error) {
	var ptr *C.cibatch_client
	var cerr *C.cibatch_error
	if err := check(C.cibatch_client_new_from_env(&ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	return newClient(ptr), nil
}
