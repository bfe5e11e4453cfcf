package shipstationtest

import (
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

func (s *Server) addFault(f *fault) {
	if f.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one use of the oldest fault that matches path.
func (s *Server) takeFault(path string) *fault {
	for i, f := range s.faults {
		if f.path != "" && f.path != path {
			continue
		}
		f.left--
		if f.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

// hold is an injected delay for the next `left` requests to path.
type hold struct {
	path string
	d    time.Duration
	left int
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
	s.holds = append(s.holds, &hold{path: path, d: d, left: n})
}

// holdFor consumes one use of the oldest hold matching path and returns its
// delay, 0 when none matches.
func (s *Server) holdFor(path string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, h := range s.holds {
		if h.path != "" && h.path != path {
			continue
		}
		h.left--
		if h.left == 0 {
			s.holds = append(s.holds[:i], s.holds[i+1:]...)
		}
		return h.d
	}
	return 0
}

// waitHold waits out the hold of r's path, if any, ignoring r's context.
func (s *Server) waitHold(r *http.Request) {
	d := s.holdFor(r.URL.Path)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.closed:
	}
}
