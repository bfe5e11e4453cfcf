package shipstationtest

import (
	"maps"
	"net/http"
	"time"
)

// faultKind is what an injected fault does to a request.
type faultKind int

const (
	faultFail           faultKind = iota // reply with an error status, not applied
	faultDrop                            // close the connection, not applied
	faultDropAfterApply                  // apply, then close the connection
)

// fault is an injected fault for the next `left` requests to path ("" = any).
type fault struct {
	path   string
	kind   faultKind
	status int
	left   int
	hold   time.Duration // HoldNext's delay
	// release ends the hold early when closed (HoldNextUntil).
	release <-chan struct{}
}

// FailNext makes the next n requests to path ("" for any path) fail with
// status and the ASP.NET error body ShipStation sends with its 500s. The
// requests are not applied, but they are logged and spend rate budget.
func (s *Server) FailNext(path string, n, status int) {
	s.addFault(&fault{path: path, kind: faultFail, status: status, left: n})
}

// DropNext makes the server close the connection of the next n requests to
// path ("" for any path) without replying and without applying them.
func (s *Server) DropNext(path string, n int) {
	s.addFault(&fault{path: path, kind: faultDrop, left: n})
}

// DropAfterApply makes the server apply the next n requests to path ("" for
// any path) and then close the connection without replying: the client sees
// an error although the effect happened.
func (s *Server) DropAfterApply(path string, n int) {
	s.addFault(&fault{path: path, kind: faultDropAfterApply, left: n})
}

// ClearFaults drops every fault not yet used up.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) addFault(f *fault) {
	if f.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one use of the oldest fault that matches path.
func (s *Server) takeFault(path string) *fault { return take(&s.faults, path) }

// take consumes one use of the oldest fault of list that matches path.
func take(list *[]*fault, path string) *fault {
	for i, f := range *list {
		if f.path != "" && f.path != path {
			continue
		}
		f.left--
		if f.left == 0 {
			*list = append((*list)[:i], (*list)[i+1:]...)
		}
		return f
	}
	return nil
}

// HoldNext makes the server hold the next n requests to path ("" for any
// path) for d before it handles them, whether or not the client is still
// waiting: a request held past the client's timeout is applied late, after
// the client gave up on it (as a request stuck in a proxy or a queue is).
// Closing the server ends a hold early.
func (s *Server) HoldNext(path string, n int, d time.Duration) {
	if n <= 0 || d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, &fault{path: path, hold: d, left: n})
}

// Held returns how many requests HoldNext held, by path.
func (s *Server) Held() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.held)
}

// HoldNextUntil makes the server hold the next request to path ("" for any
// path) until release is closed, whether or not the client is still
// waiting, and then handle it: a test decides exactly when a request held
// past the client's timeout is applied, late. Closing the server ends the
// hold too.
func (s *Server) HoldNextUntil(path string, release <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, &fault{path: path, hold: maxHold, left: 1, release: release})
}

// maxHold bounds a hold that waits for its release.
const maxHold = time.Hour

// waitHold waits out the hold of r's path, if any, ignoring r's context.
func (s *Server) waitHold(r *http.Request) {
	s.mu.Lock()
	h := take(&s.holds, r.URL.Path)
	if h != nil {
		if s.held == nil {
			s.held = map[string]int{}
		}
		s.held[r.URL.Path]++
	}
	s.mu.Unlock()
	if h != nil {
		s.sleep(h.hold, h.release)
	}
}

// sleep waits for d, or until done closes (nil: never) or the server closes.
func (s *Server) sleep(d time.Duration, done <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	case <-s.closed:
	}
}
