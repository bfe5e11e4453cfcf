package shipstationtest

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
