package state_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/state"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newStore(t *testing.T) (*state.Store, *redistest.Redis) {
	t.Helper()
	r := redistest.New(t)
	return state.New(r.Client, r.Prefix), r
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// expire lets every lease of ttl run out: miniredis only ages keys when told.
func expire(r *redistest.Redis, ttl time.Duration) {
	if r.Mini != nil {
		r.Mini.FastForward(ttl + time.Millisecond)
		return
	}
	time.Sleep(ttl + 20*time.Millisecond)
}

func mustLease(t *testing.T, s *state.Store, job, owner string) *state.Lease {
	t.Helper()
	l, err := s.AcquireLease(testCtx(t), job, owner, time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease(%s, %s): %v", job, owner, err)
	}
	return l
}

// roundTrips counts the commands and pipelines a client sends.
type roundTrips struct{ n atomic.Int64 }

func countRoundTrips(c redis.UniversalClient) *roundTrips {
	rt := &roundTrips{}
	c.AddHook(rt)
	return rt
}

func (rt *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (rt *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		rt.n.Add(1)
		return next(ctx, cmd)
	}
}

func (rt *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		rt.n.Add(1)
		return next(ctx, cmds)
	}
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
