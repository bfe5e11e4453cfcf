package shipstationtest

import (
	"net/http"
	"strconv"
	"time"
)

// rateWindow is the fixed-window request budget of the key pair. Windows are
// `window` long and aligned to the first request the server saw.
type rateWindow struct {
	started bool
	start   time.Time
	used    int
}

// admit spends one request of the current window and sets the
// X-Rate-Limit-* headers. It reports false (429, not applied) when the window
// is used up; a rejected request spends nothing.
func (s *Server) admit(now time.Time, h http.Header) bool {
	if s.limit <= 0 {
		return true
	}
	w := &s.rate
	switch {
	case !w.started:
		w.started, w.start, w.used = true, now, 0
	case now.Sub(w.start) >= s.window:
		w.start = w.start.Add(now.Sub(w.start) / s.window * s.window)
		w.used = 0
	}
	ok := w.used < s.limit
	if ok {
		w.used++
	}
	reset := w.start.Add(s.window).Sub(now)
	secs := int64((reset + time.Second - 1) / time.Second)
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(s.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(s.limit-w.used))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(secs, 10))
	return ok
}
