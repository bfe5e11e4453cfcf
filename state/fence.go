package state

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// fencedWriteTimeout bounds every fenced write. The writes run detached from
// the caller's cancellation (see detached), so this is what keeps one from
// hanging on an unreachable Redis.
const fencedWriteTimeout = 5 * time.Second

// Script results shared by the fenced scripts.
const (
	resFenced = 0
	resOK     = 1
)

// fenceLua starts every fenced script: KEYS[1] is the job's lease key and
// ARGV[1] the caller's lease as stored (leaseValue). It returns resFenced
// unless the stored lease is the caller's: the same token and the same
// owner.
const fenceLua = `
local lease = redis.call('GET', KEYS[1])
if lease ~= ARGV[1] then
  return 0
end
`

// leaseValue is what the lease key holds, and what every fenced script
// compares it with: the token, then the owner (LeaseOwner reads the owner
// after the first ":").
func leaseValue(token int64, owner string) string {
	return strconv.FormatInt(token, 10) + ":" + owner
}

// fenceArgs returns the lease key and the lease value every fenced script
// takes first, or an error for a lease that cannot be valid.
func (s *Store) fenceArgs(l *Lease) (string, string, error) {
	if l == nil {
		return "", "", fmt.Errorf("state: nil lease: %w", ErrFenced)
	}
	return s.key("lease", l.Job), leaseValue(l.Token, l.Owner), nil
}

// detached returns the context a fenced write runs under: ctx's values, but
// not its cancellation or deadline, bounded by fencedWriteTimeout instead. A
// fenced write records an effect that was already applied remotely (a link,
// an applied package, a moved cursor, a dead letter); when the run's context
// ends just before it (SIGTERM's grace, the run's timeout, a cancelled once),
// the write must still be made or that record is lost and the effect may be
// applied again. The fence itself is unaffected: a stale lease is refused
// whatever the context.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), fencedWriteTimeout)
}

// fencedResult maps a fenced script's integer result to an error.
func fencedResult(res int64, err error, what string) error {
	if err != nil {
		return fmt.Errorf("state: %s: %w", what, err)
	}
	if res == resFenced {
		return fmt.Errorf("state: %s: %w", what, ErrFenced)
	}
	return nil
}
