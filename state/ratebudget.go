package state

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/connector/retry"
)

const (
	// claimMarginDivisor sets the safety margin added to the claim window:
	// window/claimMarginDivisor (at least minClaimMargin). See claimMargin.
	claimMarginDivisor = 50
	// minClaimMargin is the least safety margin, for very short windows.
	minClaimMargin = time.Millisecond
	// minLimitedJitter is the least width of the range the jitter after a 429
	// is drawn from ([0, max(reset/5, minLimitedJitter))), so replicas paused
	// together do not all send at the same instant.
	minLimitedJitter = 250 * time.Millisecond
	// burstDivisor sets how many requests may go out back to back: the
	// budget spreads its limit evenly over the window, in bursts of at most
	// limit/burstDivisor (at least minBurst): 10 of ShipStation's 40 a
	// minute, enough for the start-up checks and a small run to go out at
	// once (see NewRateBudget).
	burstDivisor = 4
	// minBurst is the least burst.
	minBurst = 3
	// holdDivisor sets the hold of the further slots WaitN claims:
	// claimWindow/holdDivisor (3 s of ShipStation's minute).
	holdDivisor = 20
	// waitJitterDivisor sets the jitter added to a wait for a slot: up to
	// wait/waitJitterDivisor (plus 1 ms).
	waitJitterDivisor = 50
	// observeTimeout bounds the Redis call of Observe, which outlives its
	// caller's context so a pause is recorded even while the caller gives up.
	observeTimeout = 2 * time.Second
)

// claimScript claims request slots: KEYS[1] claim log, KEYS[2] pause key,
// KEYS[3] the budget's marker; ARGV[1] limit, ARGV[2] claim window in ms (the
// budget's window plus its safety margin), ARGV[3] a unique member, ARGV[4]
// the burst and ARGV[5] the burst span in ms (0: no spreading), ARGV[6] "1"
// when this process has claimed from the budget before, ARGV[7] the slots
// wanted (at least 1) and ARGV[8] the hold in ms of every slot after the
// first. It returns {granted, wait, now}: the slots claimed (at least 1, at
// most the slots wanted, as many as are free now), or 0 and the ms to wait
// before trying again; and the server time of the attempt. The first slot is stamped now, each further one now + hold:
// it may be used until then plus half the safety margin, and keeps its place
// in the log that much longer (see RateBudget.WaitN). No claim window holds
// more than limit claims, and no burst span more than burst.
// Times are the Redis server's (TIME), in whole ms, so replicas with skewed
// clocks agree; whole ms keep every number exact in Lua.
//
// The marker is set by the first claim (to the server time) and never expires, so its absence to
// a process that claimed before means Redis lost its data (a restart without
// persistence, a flush): the requests of the last window are unknown, so the
// log is filled up (limit claims, stamped now) and every replica waits one
// window before it sends again.
var claimScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('SET', KEYS[3], now)
  if ARGV[6] == '1' then
    for i = 1, limit do
      redis.call('ZADD', KEYS[1], now, ARGV[3] .. '-lost-' .. i)
    end
    redis.call('PEXPIRE', KEYS[1], window + 1000)
    return {0, window + 1, now}
  end
end
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then
  return {0, pause - now, now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window - 1)
local burst, span = tonumber(ARGV[4]), tonumber(ARGV[5])
local want, hold = tonumber(ARGV[7]), tonumber(ARGV[8])
local granted, wait = 0, 0
while granted < want do
  if redis.call('ZCARD', KEYS[1]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    wait = tonumber(oldest[2]) + window + 1 - now
    break
  end
  if span > 0 then
    local recent = redis.call('ZCOUNT', KEYS[1], now - span + 1, '+inf')
    if recent >= burst then
      local r = redis.call('ZRANGEBYSCORE', KEYS[1], now - span + 1, '+inf', 'WITHSCORES', 'LIMIT', recent - burst, 1)
      wait = tonumber(r[2]) + span - now
      break
    end
  end
  if granted == 0 then
    redis.call('ZADD', KEYS[1], now, ARGV[3])
  else
    redis.call('ZADD', KEYS[1], now + hold, ARGV[3] .. '-' .. granted)
  end
  granted = granted + 1
end
if granted == 0 then
  return {0, wait, now}
end
redis.call('PEXPIRE', KEYS[1], window + hold + 1000)
return {granted, 0, now}
`)

// pauseScript stops every replica from sending for ARGV[1] ms from now
// (server time); an existing longer pause is kept. KEYS[1] is the pause key.
var pauseScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local d = tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + d > cur then
  redis.call('SET', KEYS[1], now + d, 'PX', d)
end
return 1
`)

// learnScript takes in the server's count: KEYS[1] claim log, KEYS[2]
// pause key, KEYS[3] the budget's marker (the server time of the first claim
// since Redis last lost its data); ARGV[1] limit, ARGV[2] claim window in ms,
// ARGV[3] the requests the server counts in its current window, ARGV[4] ms
// until that window resets, ARGV[5] a unique member prefix. It learns only
// while the marker is missing or within one window of its birth: later, the log holds every claim of
// the last window, and a server count above it is another application's
// share of the key, which SHIPSTATION_RATE_LIMIT already leaves room for and
// which must not shrink shipsync's own. When, in that first window, the log
// holds fewer live claims than the server counts (at most limit), the log has
// lost its history (Redis lost its data):
// the missing claims are added, stamped now, and every replica pauses until
// the server's window resets, by when the requests sent before that window,
// which the server no longer reports, have left every interval of a window's
// length that starts after the reset. It returns the number of claims added.
var learnScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local born = tonumber(redis.call('GET', KEYS[3]) or now)
if now - born > window then
  return 0
end
local used = math.min(limit, tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window - 1)
local have = redis.call('ZCARD', KEYS[1])
if used <= have then
  return 0
end
for i = have + 1, used do
  redis.call('ZADD', KEYS[1], now, ARGV[5] .. i)
end
redis.call('PEXPIRE', KEYS[1], window + 1000)
local until_ = now + tonumber(ARGV[4])
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
if until_ > cur then
  redis.call('SET', KEYS[2], until_, 'PX', tonumber(ARGV[4]))
end
return used - have
`)

// RateBudget is the ShipStation request budget shared through Redis by every
// replica that uses the same key pair. No interval of its window plus a small
// safety margin (see claimMargin) ever holds more than limit claims across all
// replicas, and the pauses the server asks for (nothing remaining, or a 429)
// apply to all of them. The claims are spread evenly across the window: no
// interval of burst/limit of the claim window holds more than burst of them
// (a quarter of the limit, at least 3), so a saturated budget sends a small
// burst every quarter of a window rather than the whole window's budget in
// its first seconds, and another application on the same key finds the rest
// of the server's window free.
//
// It implements transport.Pacer (package connector/transport).
type RateBudget struct {
	rdb   redis.UniversalClient
	keys  []string // claim log, pause key, marker
	limit int
	// claimed is set once this process claimed a slot (see claimScript).
	claimed atomic.Bool
	window  time.Duration
	// claimWindow is window plus claimMargin(window): how long a claim
	// keeps its slot.
	claimWindow time.Duration
	// burst is the most claims in any burstSpan (burst × claimWindow /
	// limit); burstSpan is 0 (no spreading) when burst ≥ limit.
	burst     int
	burstSpan time.Duration
	// hold is how far after its claim a further slot of WaitN is stamped
	// (claimWindow/holdDivisor): it may be used until hold plus half the
	// safety margin after the claim.
	hold time.Duration
}

// claimMargin is the safety margin added to the window in which claims are
// counted: window/50, at least 1 ms (1.2 s of ShipStation's 60 s window).
//
// Claims are timed by the Redis clock when the slot is granted, but the server
// counts requests when they arrive, and the delay between the two varies
// (connection set-up, TLS handshake, scheduling, a replica farther away). Were
// a slot freed exactly window after the oldest claim, a saturated pacer whose
// oldest request arrived late and whose newest arrived early could put limit+1
// arrivals into one of the server's windows, and earn a 429 that pauses every
// replica. The margin absorbs that skew for about 2 % of the throughput.
func claimMargin(window time.Duration) time.Duration {
	return max(window/claimMarginDivisor, minClaimMargin)
}

// NewRateBudget returns the budget of limit requests per window for the key
// pair identified by keyID, under prefix on rdb. keyID must identify the key
// pair without revealing it (for example a short SHA-256 hex of the API key).
// A limit below 1 counts as 1, a window below 1 ms as 1 ms.
func NewRateBudget(rdb redis.UniversalClient, prefix, keyID string, limit int, window time.Duration) *RateBudget {
	base := hashTag(prefix) + ":ratebudget:" + keyID
	b := &RateBudget{
		rdb:    rdb,
		keys:   []string{base + ":log", base + ":pause", base + ":marker"},
		limit:  max(limit, 1),
		window: max(window, time.Millisecond),
	}
	b.claimWindow = b.window + claimMargin(b.window)
	b.burst = max(b.limit/burstDivisor, minBurst)
	if b.limit > b.burst {
		b.burstSpan = b.claimWindow * time.Duration(b.burst) / time.Duration(b.limit)
	}
	b.hold = b.claimWindow / holdDivisor
	return b
}

// Wait blocks until one more request may be sent, and claims that slot. It
// returns early with an error when ctx is done or Redis fails.
func (b *RateBudget) Wait(ctx context.Context) error {
	_, err := b.WaitN(ctx, 1)
	return err
}

// WaitN blocks until one more request may be sent and claims its slot, and
// with it, in the same Redis round trip, up to n-1 further slots that are
// free at the same moment under the limit and the burst. It returns, for
// each further slot, until when it may be used: a further slot is stamped
// in the claim log hold after the claim (claimWindow/20, 3 s of
// ShipStation's minute), so a request sent until then plus half the safety
// margin arrives within the margin of its stamp, as a request sent right
// after Wait does (see claimMargin); it also keeps its place in the log that
// much longer. A slot not used in time is lost, never reused: the budget
// stays exact whatever the caller does. WaitN returns early with an error
// when ctx is done or Redis fails. It implements transport.SlotPacer.
func (b *RateBudget) WaitN(ctx context.Context, n int) ([]time.Time, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("state: wait for rate budget: %w", err)
		}
		// Taken before the claim: the further slots' use-by times count from
		// no later than the script's clock.
		start := time.Now()
		granted, wait, err := b.claimN(ctx, max(n, 1))
		if err != nil {
			return nil, err
		}
		if granted > 0 {
			return b.further(start, granted-1), nil
		}
		// A little jitter so replicas waiting for the same slot do not all
		// ask at once; small, since a spread budget waits before most
		// claims and every jitter is time the budget goes unused.
		if err := retry.Sleep(ctx, wait+rand.N(wait/waitJitterDivisor+time.Millisecond)); err != nil {
			return nil, fmt.Errorf("state: wait for rate budget: %w", err)
		}
	}
}

// further returns the use-by times of n further slots claimed at start:
// their hold plus half the safety margin after it. It returns nil for none.
func (b *RateBudget) further(start time.Time, n int) []time.Time {
	if n <= 0 {
		return nil
	}
	by := start.Add(b.hold + (b.claimWindow-b.window)/2)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = by
	}
	return out
}

// claim tries once to claim a slot. It returns 0 when the slot was claimed,
// else how long to wait before trying again.
func (b *RateBudget) claim(ctx context.Context) (time.Duration, error) {
	_, wait, err := b.claimN(ctx, 1)
	return wait, err
}

// claimN tries once to claim up to n slots (see claimScript). It returns
// how many it claimed, or 0 and how long to wait before trying again.
func (b *RateBudget) claimN(ctx context.Context, n int) (int, time.Duration, error) {
	granted, wait, _, err := b.claimAt(ctx, n)
	return granted, wait, err
}

// claimAt is claimN that also returns the Redis server's time of the
// attempt, the time a granted claim is stamped with in the claim log.
func (b *RateBudget) claimAt(ctx context.Context, n int) (granted int, wait time.Duration, at time.Time, _ error) {
	member := strconv.FormatUint(rand.Uint64(), 36)
	before := "0"
	if b.claimed.Load() {
		before = "1"
	}
	res, err := claimScript.Run(ctx, b.rdb, b.keys, b.limit, b.claimWindow.Milliseconds(), member,
		b.burst, b.burstSpan.Milliseconds(), before, n, b.hold.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, time.Time{}, fmt.Errorf("state: claim rate budget: %w", err)
	}
	if len(res) != 3 {
		return 0, 0, time.Time{}, fmt.Errorf("state: claim rate budget: the script answered %v", res)
	}
	granted, at = int(res[0]), time.UnixMilli(res[2])
	if granted > 0 {
		b.claimed.Store(true)
		return granted, 0, at, nil
	}
	return 0, time.Duration(max(res[1], 1)) * time.Millisecond, at, nil
}

// Observe takes in the rate-limit headers of a response: remaining requests
// (-1 when absent), time until the server's window resets, and whether the
// response was a 429. Nothing remaining pauses every replica until the reset;
// a 429 pauses them until the reset (the budget's window when unknown) plus a
// random jitter drawn uniformly from [0, max(reset/5, 250 ms)): the jitter's
// range is at least 250 ms wide, but the jitter itself may be anything from 0.
// It returns the Redis error when the pause could not be recorded (a lost
// pause only costs a 429, and the window still caps the pace; the caller
// logs it).
func (b *RateBudget) Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) error {
	var pause time.Duration
	switch {
	case limited:
		if reset <= 0 {
			reset = b.window
		}
		pause = reset + rand.N(max(reset/5, minLimitedJitter))
	case remaining == 0 && reset > 0:
		pause = reset
	default:
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), observeTimeout)
	defer cancel()
	if err := pauseScript.Run(ctx, b.rdb, b.keys[1:2], max(pause.Milliseconds(), 1)).Err(); err != nil {
		return fmt.Errorf("state: pause rate budget for %v: %w", pause, err)
	}
	return nil
}

// Learn takes in the server's own count, from a response's
// X-Rate-Limit-Limit minus X-Rate-Limit-Remaining: used requests in the
// server's current window, which resets in reset. When the claim log holds
// fewer than that (at most limit), as after Redis lost its data, the budget
// re-learns (see learnScript): the missing claims are added and every
// replica waits for the reset, so no interval of the window's length holds
// more than limit requests across a Redis wipe. In the steady state the log
// holds at least the server's count and nothing changes. It implements
// transport.Learner.
func (b *RateBudget) Learn(ctx context.Context, used int, reset time.Duration) error {
	if used <= 0 || reset <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), observeTimeout)
	defer cancel()
	member := "learned-" + strconv.FormatUint(rand.Uint64(), 36) + "-"
	err := learnScript.Run(ctx, b.rdb, b.keys, b.limit, b.claimWindow.Milliseconds(), used,
		max(reset.Milliseconds(), 1), member).Err()
	if err != nil {
		return fmt.Errorf("state: learn rate budget: %w", err)
	}
	return nil
}
