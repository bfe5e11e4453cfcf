package jobstest

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// RoundTrips counts the Redis round trips of a client: one per command sent
// alone, one per pipeline (or MULTI/EXEC block).
type RoundTrips struct{ n atomic.Int64 }

// CountRedisRoundTrips starts counting the round trips of client from zero.
// The count includes everything sent through client from then on: the
// scheduler's lease, the rate budget and the run bookkeeping as well as the
// jobs' own reads and writes.
func CountRedisRoundTrips(client redis.UniversalClient) *RoundTrips {
	rt := &RoundTrips{}
	client.AddHook(rt)
	return rt
}

// N returns the round trips counted so far.
func (r *RoundTrips) N() int64 { return r.n.Load() }

// Reset sets the count back to zero.
func (r *RoundTrips) Reset() { r.n.Store(0) }

// DialHook implements redis.Hook; dials are not round trips of a command.
func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook: one command, one round trip.
func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook: one pipeline, one round trip.
func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}
