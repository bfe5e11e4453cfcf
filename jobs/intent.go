package jobs

import (
	"strconv"
	"strings"
	"time"
)

// IntentPrefix starts the record of a write without an idempotency key that
// is about to be sent, or whose outcome is unknown: IntentPrefix + an Intent
// (get-orders' jobs.NSAssigned, sync-tracking's jobs.NSMarkedShipped). Any
// other value of such a record is what was written: done.
const IntentPrefix = "pending:"

// attemptSep separates an intent's value from the time of its last attempt
// in an intent record (see Intent).
const attemptSep = "|at="

// Intent is the record of a write without an idempotency key (DESIGN.md
// §2.2) written before it is sent: what is to be written (Value) and when it
// was last sent (Attempt; zero when it never was). It is stored as
// Value|at=<Unix ms>; a record written before attempts were stamped has no
// such suffix and reads with a zero Attempt.
type Intent struct {
	Value   string
	Attempt time.Time
}

// String is the Intent as it is stored.
func (i Intent) String() string {
	if i.Attempt.IsZero() {
		return i.Value
	}
	return i.Value + attemptSep + strconv.FormatInt(i.Attempt.UnixMilli(), 10)
}

// ParseIntent reads an intent record written by Intent.String.
func ParseIntent(s string) Intent {
	v, at, ok := cutLast(s, attemptSep)
	if !ok {
		return Intent{Value: s}
	}
	ms, err := strconv.ParseInt(at, 10, 64)
	if err != nil || ms <= 0 {
		return Intent{Value: s}
	}
	return Intent{Value: v, Attempt: time.UnixMilli(ms)}
}

// Settling reports whether the intent's last attempt is too recent to tell
// its outcome: less than settle before now. A request held on the wire, or
// sent by a replica that has since lost its lease, may still be applied.
func (i Intent) Settling(now time.Time, settle time.Duration) bool {
	return !i.Attempt.IsZero() && now.Sub(i.Attempt) < settle
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
