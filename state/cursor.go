package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// advanceCursorScript moves a cursor forward only: KEYS[1] lease key, KEYS[2]
// cursor hash; ARGV[1] lease value, ARGV[2] field, ARGV[3] seconds, ARGV[4]
// nanoseconds. Seconds and nanoseconds are compared apart because a Lua number
// cannot hold Unix nanoseconds exactly.
var advanceCursorScript = redis.NewScript(fenceLua + `
local sec, nsec = tonumber(ARGV[3]), tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[2], ARGV[2])
if cur then
  local cs, cn = string.match(cur, '^(-?%d+)%.(%d+)$')
  cs, cn = tonumber(cs), tonumber(cn)
  if cs and (sec < cs or (sec == cs and nsec <= cn)) then
    return 1
  end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '.' .. string.format('%09d', nsec))
return 1
`)

// Cursor returns the job's cursor called name, in UTC, and whether it was set.
func (s *Store) Cursor(ctx context.Context, job, name string) (time.Time, bool, error) {
	v, err := s.rdb.HGet(ctx, s.key("cursor", job), name).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("state: read cursor %s/%s: %w", job, name, err)
	}
	t, err := parseCursor(v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("state: read cursor %s/%s: %w", job, name, err)
	}
	return t, true, nil
}

// AdvanceCursor sets the cursor called name of l's job to t when t is later
// than the stored value; an earlier or equal t leaves it unchanged. It returns
// ErrFenced, and writes nothing, when l is no longer current. The location of t
// is not kept: Cursor returns UTC.
func (s *Store) AdvanceCursor(ctx context.Context, l *Lease, name string, t time.Time) error {
	return s.moveCursor(ctx, advanceCursorScript, l, name, t, "advance")
}

// moveCursor runs script, advanceCursorScript or rewindCursorScript, on the
// cursor called name of l's job with t, fenced by l.
func (s *Store) moveCursor(ctx context.Context, script *redis.Script, l *Lease, name string, t time.Time, what string) error {
	leaseKey, lease, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	keys := []string{leaseKey, s.key("cursor", l.Job)}
	ctx, cancel := detached(ctx)
	defer cancel()
	res, err := script.Run(ctx, s.rdb, keys, lease, name, t.Unix(), t.Nanosecond()).Int64()
	return fencedResult(res, err, what+" cursor "+l.Job+"/"+name)
}

func parseCursor(v string) (time.Time, error) {
	secStr, nsecStr, ok := strings.Cut(v, ".")
	if !ok {
		return time.Time{}, fmt.Errorf("malformed cursor %q", v)
	}
	sec, err1 := strconv.ParseInt(secStr, 10, 64)
	nsec, err2 := strconv.ParseInt(nsecStr, 10, 64)
	if err1 != nil || err2 != nil || nsec < 0 || nsec >= int64(time.Second) {
		return time.Time{}, fmt.Errorf("malformed cursor %q", v)
	}
	return time.Unix(sec, nsec).UTC(), nil
}

// rewindCursorScript moves a set cursor back only: KEYS[1] lease key, KEYS[2]
// cursor hash; ARGV[1] lease value, ARGV[2] field, ARGV[3] seconds, ARGV[4]
// nanoseconds. An unset cursor stays unset (the job then reads its whole
// look-back window anyway).
var rewindCursorScript = redis.NewScript(fenceLua + `
local sec, nsec = tonumber(ARGV[3]), tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[2], ARGV[2])
if not cur then
  return 1
end
local cs, cn = string.match(cur, '^(-?%d+)%.(%d+)$')
cs, cn = tonumber(cs), tonumber(cn)
if cs and (sec > cs or (sec == cs and nsec >= cn)) then
  return 1
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '.' .. string.format('%09d', nsec))
return 1
`)

// RewindCursor sets the cursor called name of l's job back to t when t is
// earlier than the stored value, so the job's next window lists again what
// was stamped since t (reconcile's repair path); a later t, or an unset
// cursor, is left as is. It returns ErrFenced, and writes nothing, when l is
// no longer current.
func (s *Store) RewindCursor(ctx context.Context, l *Lease, name string, t time.Time) error {
	return s.moveCursor(ctx, rewindCursorScript, l, name, t, "rewind")
}
