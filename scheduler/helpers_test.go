package scheduler_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newStore(t *testing.T) *state.Store {
	t.Helper()
	r := redistest.New(t)
	return state.New(r.Client, r.Prefix)
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newScheduler returns a scheduler that is stopped when the test ends.
func newScheduler(t *testing.T, store *state.Store, log zerolog.Logger, opts ...scheduler.Option) *scheduler.Scheduler {
	t.Helper()
	s := scheduler.New(store, log, opts...)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Errorf("Stop at clean-up: %v", err)
		}
	})
	return s
}

func mustAdd(t *testing.T, s *scheduler.Scheduler, job scheduler.Job) {
	t.Helper()
	if err := s.Add(job); err != nil {
		t.Fatalf("Add(%s): %v", job.Name, err)
	}
}

// spec parses a standard cron spec, as config does at load.
func spec(t *testing.T, s string) cron.Schedule {
	t.Helper()
	sched, err := cron.ParseStandard(s)
	if err != nil {
		t.Fatal(err)
	}
	return sched
}

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) contains(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Contains(b.buf.String(), s)
}

// unreachableRedis returns a client for an address nobody listens on, that
// fails fast.
func unreachableRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	return c
}
