package cibatch_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

// retryPauses lists jobs through 9 injected 503s with cfg's retry knobs (MaxAttempts 10) and returns the pauses
// before each retry, as the client logs them ("...: retrying in 1.2ms after: ...").
func retryPauses(t *testing.T, emu *cibatch.Emulator, base, cap time.Duration) []time.Duration {
	t.Helper()
	var mu sync.Mutex
	var pauses []time.Duration
	cfg := emu.Config()
	cfg.MaxAttempts, cfg.BackoffBase, cfg.BackoffCap = 10, base, cap
	cfg.Logger = slog.New(handlerFunc(func(r slog.Record) {
		if _, rest, ok := strings.Cut(r.Message, "retrying in "); ok {
			d, err := time.ParseDuration(strings.Fields(rest)[0])
			if err != nil {
				t.Errorf("%q: %v", r.Message, err)
			}
			mu.Lock()
			pauses = append(pauses, d)
			mu.Unlock()
		}
	}))
	c, err := cibatch.NewClient(cfg)
	if err != nil {
		t.Fatalf("BackoffBase %v, BackoffCap %v: %v", base, cap, err)
	}
	defer c.Close()
	noErr(t, emu.InjectStatus(503, "SlowDown", 9))
	if _, err := c.ListJobs(context.Background(), cibatch.ListOptions{}); err != nil {
		t.Fatalf("BackoffBase %v, BackoffCap %v: %v", base, cap, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pauses) != 9 {
		t.Fatalf("BackoffBase %v, BackoffCap %v: %d retries logged, want 9: %v", base, cap, len(pauses), pauses)
	}
	return pauses
}

// Each backoff knob may be set alone; the other keeps the library's default (200ms base, 5s cap), and Go states
// neither default. Full jitter: the pause before retry n is random in [0, min(cap, base*2^(n-1))].
func TestBackoffKnobsSetAloneKeepTheOtherDefault(t *testing.T) {
	watchdog(t, 120*time.Second)
	emu, _ := setup(t, cibatch.EmulatorOptions{})

	// BackoffBase alone: the ceilings 1ms, 2ms, ... 256ms are all below the default cap. Some pause exceeds 1ms (all
	// 8 later ones at most 1ms has odds of 2^-36), so the cap is not the base either.
	pauses := retryPauses(t, emu, time.Millisecond, 0)
	longest := time.Duration(0)
	for i, p := range pauses {
		if ceiling := time.Millisecond << i; p > ceiling {
			t.Errorf("BackoffBase 1ms alone: pause %d is %v, above %v: %v", i+1, p, ceiling, pauses)
		}
		longest = max(longest, p)
	}
	if longest <= time.Millisecond {
		t.Errorf("BackoffBase 1ms alone: no pause above 1ms, as if the cap were the base: %v", pauses)
	}

	// BackoffCap alone bounds every pause (the default base alone would allow up to 200ms, 400ms, ...).
	for i, p := range retryPauses(t, emu, 0, 2*time.Millisecond) {
		if p > 2*time.Millisecond {
			t.Errorf("BackoffCap 2ms alone: pause %d is %v", i+1, p)
		}
	}

	// Both, through the setter that takes both.
	for i, p := range retryPauses(t, emu, time.Millisecond, 3*time.Millisecond) {
		if ceiling := min(3*time.Millisecond, time.Millisecond<<i); p > ceiling {
			t.Errorf("BackoffBase 1ms, BackoffCap 3ms: pause %d is %v, above %v", i+1, p, ceiling)
		}
	}
}

// A knob left at zero is not sent: the library's default applies (3 attempts), and an out-of-range value set alone
// is refused as before.
func TestUnsetRetryKnobsKeepTheLibraryDefaults(t *testing.T) {
	emu, _ := setup(t, cibatch.EmulatorOptions{})
	cfg := emu.Config()
	cfg.BackoffBase = time.Millisecond // keeps the test quick; MaxAttempts stays unset
	c := must(cibatch.NewClient(cfg))
	defer c.Close()
	noErr(t, emu.InjectStatus(503, "SlowDown", 3))
	var se *cibatch.ServiceError
	if _, err := c.ListJobs(context.Background(), cibatch.ListOptions{}); !errors.As(err, &se) || se.Attempts != 3 {
		t.Fatalf("default attempts: %v", err)
	}
	for name, edit := range map[string]func(*cibatch.Config){
		"BackoffBase 25h alone": func(c *cibatch.Config) { c.BackoffBase = 25 * time.Hour },
		"BackoffCap 25h alone":  func(c *cibatch.Config) { c.BackoffCap = 25 * time.Hour },
		"BackoffBase -1ms":      func(c *cibatch.Config) { c.BackoffBase = -time.Millisecond },
		"MaxAttempts -1":        func(c *cibatch.Config) { c.MaxAttempts = -1 },
	} {
		cfg := emu.Config()
		edit(&cfg)
		if _, err := cibatch.NewClient(cfg); !errors.Is(err, cibatch.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
