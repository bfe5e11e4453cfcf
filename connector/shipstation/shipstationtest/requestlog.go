package shipstationtest

import (
	"net/http"
	"slices"
	"time"
)

// Request is one request the server received, in arrival order: rejected,
// failed and dropped ones included.
type Request struct {
	Time    time.Time // by the server's clock, when it was admitted
	Method  string
	Path    string
	Query   string // raw query string
	Partner string // the x-partner header, if any
	Status  int    // 0 when the connection was dropped without a reply
}

// Requests returns the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many logged requests had this method and path.
func (s *Server) Count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// MaxInWindow returns the largest number of requests the rate limiter let
// through (every logged request except 429s) within any interval [t, t+d).
// It is the figure to compare with the limit a client must respect.
func (s *Server) MaxInWindow(d time.Duration) int {
	return s.maxInWindow(d, func(r Request) bool { return r.Status != http.StatusTooManyRequests })
}

// MaxInWindowOf is MaxInWindow counting only the requests to path (to tell
// apart two applications sharing the key).
func (s *Server) MaxInWindowOf(d time.Duration, path string) int {
	return s.maxInWindow(d, func(r Request) bool { return r.Status != http.StatusTooManyRequests && r.Path == path })
}

// MaxInWindowAll is MaxInWindow counting every logged request, 429s included.
func (s *Server) MaxInWindowAll(d time.Duration) int {
	return s.maxInWindow(d, func(Request) bool { return true })
}

func (s *Server) maxInWindow(d time.Duration, keep func(Request) bool) int {
	s.mu.Lock()
	var times []time.Time
	for _, r := range s.requests {
		if keep(r) {
			times = append(times, r.Time)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(times, time.Time.Compare)
	best, lo := 0, 0
	for hi, t := range times {
		for t.Sub(times[lo]) >= d {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
