package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease is the right to run one job, held by one owner until it expires. Token
// is the fencing token: it grows with every lease granted for the job (and is
// never below the Redis server's clock in µs, so it keeps growing after Redis
// lost its data), and every fenced write checks that the lease, token and
// owner, is still the current one.
type Lease struct {
	Job   string
	Owner string
	Token int64
}

// acquireScript grants the lease when nobody holds it: KEYS[1] lease key,
// KEYS[2] token counter; ARGV[1] owner, ARGV[2] TTL in ms. It returns the new
// token, or 0 when the lease is held. The token is one more than the last,
// and at least the server's clock in µs: a Redis that lost its data (the
// counter with it) still grants tokens above every one granted before, so
// a holder stalled across the loss never meets its own token again. (The
// token is written with %d: Lua would write a number that large as a
// float, 1.7e+15.)
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local token = redis.call('INCR', KEYS[2])
if token < now then
  token = now
  redis.call('SET', KEYS[2], string.format('%d', token))
end
redis.call('SET', KEYS[1], string.format('%d', token) .. ':' .. ARGV[1], 'PX', ARGV[2], 'NX')
return token
`)

// renewScript extends the lease if it is still the caller's: KEYS[1] lease
// key; ARGV[1] lease value, ARGV[2] TTL in ms.
var renewScript = redis.NewScript(fenceLua + `
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// releaseScript deletes the lease if it is still the caller's: KEYS[1] lease
// key; ARGV[1] lease value.
var releaseScript = redis.NewScript(fenceLua + `
redis.call('DEL', KEYS[1])
return 1
`)

// breakScript deletes the lease only if owner still holds it: KEYS[1] lease
// key; ARGV[1] owner. It returns 1 when it deleted the lease.
var breakScript = redis.NewScript(`
local lease = redis.call('GET', KEYS[1])
if not lease then
  return 0
end
local sep = string.find(lease, ':', 1, true)
if sep and string.sub(lease, sep + 1) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

// LeaseOwner returns who holds job's lease, if anyone.
func (s *Store) LeaseOwner(ctx context.Context, job string) (string, bool, error) {
	v, err := s.rdb.Get(ctx, s.key("lease", job)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state: read lease %s: %w", job, err)
	}
	_, owner, ok := strings.Cut(v, ":")
	if !ok {
		return "", false, fmt.Errorf("state: lease %s holds %q, not token:owner", job, v)
	}
	return owner, true, nil
}

// BreakLease deletes job's lease if owner still holds it, so the job can be
// taken over before the lease expires: only for an owner known to be dead.
// The next lease granted has a higher fencing token, so should the owner be
// alive after all, every state write it attempts is refused.
func (s *Store) BreakLease(ctx context.Context, job, owner string) (bool, error) {
	n, err := breakScript.Run(ctx, s.rdb, []string{s.key("lease", job)}, owner).Int64()
	if err != nil {
		return false, fmt.Errorf("state: break lease %s: %w", job, err)
	}
	return n == 1, nil
}

// AcquireLease grants owner the lease on job for ttl, with a fencing token
// higher than any granted before for the job (unless the Redis server's
// clock went back further than the leases granted since). It returns ErrLeaseHeld when
// someone (owner included) holds the lease already.
func (s *Store) AcquireLease(ctx context.Context, job, owner string, ttl time.Duration) (*Lease, error) {
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("state: acquire lease %s: ttl %v is shorter than 1ms", job, ttl)
	}
	keys := []string{s.key("lease", job), s.key("lease-token", job)}
	token, err := acquireScript.Run(ctx, s.rdb, keys, owner, ttl.Milliseconds()).Int64()
	if err != nil {
		return nil, fmt.Errorf("state: acquire lease %s: %w", job, err)
	}
	if token == 0 {
		return nil, fmt.Errorf("state: acquire lease %s: %w", job, ErrLeaseHeld)
	}
	return &Lease{Job: job, Owner: owner, Token: token}, nil
}

// RenewLease extends l to ttl from now. It returns ErrFenced when l is no
// longer held (it expired, or another owner took it over). Unlike the fenced
// writes it honours ctx: a renewal records no work, and one sent after its
// caller gave up would keep a lease alive that nobody uses.
func (s *Store) RenewLease(ctx context.Context, l *Lease, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("state: renew lease: ttl %v is shorter than 1ms", ttl)
	}
	return s.runLeaseScript(ctx, renewScript, l, "renew lease", ttl.Milliseconds())
}

// ReleaseLease gives l up so another owner may take the job at once. It
// returns ErrFenced, and deletes nothing, when l was no longer held. Like the
// fenced writes it runs detached from ctx's cancellation (bounded by
// fencedWriteTimeout), so a run that ended by cancellation still hands its
// job over at once instead of when the lease expires.
func (s *Store) ReleaseLease(ctx context.Context, l *Lease) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	return s.runLeaseScript(ctx, releaseScript, l, "release lease")
}

func (s *Store) runLeaseScript(ctx context.Context, script *redis.Script, l *Lease, what string, extra ...any) error {
	leaseKey, value, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	args := append([]any{value}, extra...)
	res, err := script.Run(ctx, s.rdb, []string{leaseKey}, args...).Int64()
	return fencedResult(res, err, what+" "+l.Job)
}
