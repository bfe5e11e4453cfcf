package quipttest

import (
	"maps"
	"net/http"
	"time"
)

type faultKind int

const (
	faultFail           faultKind = iota // answer with a status, not applied
	faultEnvelope                        // HTTP 200 with Success false, not applied
	faultDrop                            // close the connection, not applied
	faultDropAfterApply                  // apply, then close the connection
	faultRateLimit                       // 429 with Retry-After, not applied
	faultHold                            // wait, then handle as usual
)

// fault is one armed failure. path "" matches every request.
type fault struct {
	kind       faultKind
	path       string
	remaining  int
	status     int
	retryAfter time.Duration
	hold       time.Duration // HoldNext's delay
}

// The fault methods take path as either the request path without prefix
// ("/v2/orders/fulfillment/ship", "/v2/orders/fulfillment/200/1") or the
// endpoint template ("/v2/orders/fulfillment/{pageSize}/{pageNumber}").

// FailNext makes the next n requests to path answer status (e.g. 503) with a
// failed envelope, without applying them. They are authenticated first, so
// their nonces are used up.
func (s *Server) FailNext(path string, n, status int) {
	s.arm(&fault{kind: faultFail, path: path, remaining: n, status: status})
}

// FailEnvelopeNext makes the next n requests to path answer HTTP 200 with
// Success false and an Error message, without applying them.
func (s *Server) FailEnvelopeNext(path string, n int) {
	s.arm(&fault{kind: faultEnvelope, path: path, remaining: n, status: http.StatusOK})
}

// DropNext makes the server close the connection of the next n requests to
// path without answering or applying them (before authentication).
func (s *Server) DropNext(path string, n int) {
	s.arm(&fault{kind: faultDrop, path: path, remaining: n})
}

// DropAfterApply makes the next n requests to path take effect, then closes
// their connections without an answer: the client sees a dropped connection
// for a write that happened.
func (s *Server) DropAfterApply(path string, n int) {
	s.arm(&fault{kind: faultDropAfterApply, path: path, remaining: n})
}

// RateLimitNext answers the next n requests, whatever their path, with 429 and
// Retry-After (whole seconds, rounded up).
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.arm(&fault{kind: faultRateLimit, remaining: n, retryAfter: retryAfter})
}

// HoldNext makes the server hold the next n requests to path for d before
// it handles them, whether or not the client is still waiting: a request held
// past the client's timeout is applied late, after the client gave up on it
// (as a request stuck in a proxy or a queue is). Close waits for the holds.
func (s *Server) HoldNext(path string, n int, d time.Duration) {
	if d > 0 {
		s.arm(&fault{kind: faultHold, path: path, remaining: n, hold: d})
	}
}

// Held returns how many requests HoldNext held, by endpoint template.
func (s *Server) Held() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.held)
}

// waitHold waits out an armed hold matching the request, if any, ignoring
// the request's context.
func (s *Server) waitHold(path, endpoint string) {
	f := s.takeFault(faultHold, path, endpoint)
	if f == nil {
		return
	}
	s.mu.Lock()
	if s.held == nil {
		s.held = map[string]int{}
	}
	s.held[endpoint]++
	s.mu.Unlock()
	time.Sleep(f.hold)
}

// ClearFaults drops every fault not yet used up.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) arm(f *fault) {
	if f.remaining < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one use of the first armed fault of kind matching the
// request, and returns it, or nil.
func (s *Server) takeFault(kind faultKind, path, endpoint string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.kind != kind || (f.path != "" && f.path != path && f.path != endpoint) {
			continue
		}
		f.remaining--
		if f.remaining <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}
