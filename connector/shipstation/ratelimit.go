package shipstation

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// defaultReset is assumed when a response says the budget is spent but not
// when the window resets; ShipStation's window is one minute.
const defaultReset = 60 * time.Second

// rateLimit is what one response said about the key pair's request budget.
type rateLimit struct {
	remaining int
	limit     int           // X-Rate-Limit-Limit, 0 if absent
	reset     time.Duration // X-Rate-Limit-Reset: time until the window resets
	known     bool          // X-Rate-Limit-Remaining was present
	limited   bool          // a 429, or a body saying "Too Many Requests"
}

// readRateLimit reads the X-Rate-Limit-* headers and recognises a rate-limited
// answer, including a {"message":"Too Many Requests"} body under another status.
func readRateLimit(status int, h http.Header, body []byte) rateLimit {
	var rl rateLimit
	rl.remaining, rl.known = headerInt(h, "X-Rate-Limit-Remaining")
	rl.limit, _ = headerInt(h, "X-Rate-Limit-Limit")
	seconds, haveReset := headerInt(h, "X-Rate-Limit-Reset")
	rl.limited = status == http.StatusTooManyRequests || saysTooManyRequests(body)
	switch {
	case haveReset:
		// "0" means the window resets now; a pause of at least a second
		// covers the rounding of a whole-seconds countdown.
		rl.reset = time.Duration(max(seconds, 1)) * time.Second
	case rl.limited || (rl.known && rl.remaining <= 0):
		rl.reset = defaultReset
	}
	return rl
}

// observeRate passes what a response said about the budget to the pacer and
// the observer.
func (c *Client) observeRate(ctx context.Context, rl rateLimit) {
	if rl.known {
		c.observer.ObserveRateRemaining(rl.remaining)
	}
	// A 429 without X-Rate-Limit-Remaining reports remaining 0.
	if rl.known || rl.limited {
		c.transport.Observe(ctx, rl.remaining, rl.reset, rl.limited)
	}
	if rl.known && rl.limit > 0 && rl.reset > 0 {
		c.transport.Learn(ctx, rl.limit-rl.remaining, rl.reset)
	}
}

// headerInt parses an integer header; ok is false when it is absent or malformed.
func headerInt(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false
	}
	return n, true
}

// saysTooManyRequests reports whether body is ShipStation's throttling message.
func saysTooManyRequests(body []byte) bool {
	const phrase = "Too Many Requests"
	if !bytes.Contains(body, []byte(phrase)) {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(errorMessage(strings.TrimSpace(string(body)))), phrase)
}
