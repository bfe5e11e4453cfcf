package shipstationtest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// response is a reply built under the server lock and written after it.
type response struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponse() *response { return &response{header: http.Header{}} }

// Header implements http.ResponseWriter.
func (r *response) Header() http.Header { return r.header }

// Write implements http.ResponseWriter.
func (r *response) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// WriteHeader implements http.ResponseWriter.
func (r *response) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *response) writeTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes()) // the client may be gone; nothing to do
}

// serveHTTP is the sandbox's handler: latency, an injected hold, then auth, the rate limit,
// fault injection and the API itself under the lock, then the reply.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.delay(r)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away mid-body: there is no one to answer
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.waitHold(r)

	resp, drop := s.handle(r)
	if drop {
		dropConnection(w)
		return
	}
	resp.writeTo(w)
}

// delay waits out the configured latency, or until the client gives up.
func (s *Server) delay(r *http.Request) {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d > 0 {
		s.sleep(d, r.Context().Done())
	}
}

// handle runs one request under the lock and logs it. drop reports that the
// connection must be closed without a reply.
func (s *Server) handle(r *http.Request) (resp *response, drop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	resp = newResponse()
	defer func() {
		status := resp.status
		if drop {
			status = 0
		}
		s.requests = append(s.requests, Request{
			Time: now, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Partner: r.Header.Get("x-partner"), Status: status,
		})
	}()

	if !s.authorized(r) {
		resp.header.Set("Content-Type", "text/plain; charset=utf-8")
		resp.WriteHeader(http.StatusUnauthorized)
		_, _ = resp.Write([]byte("401 Unauthorized"))
		return resp, false
	}
	if !s.admit(now, resp.header) {
		writeMessage(resp, http.StatusTooManyRequests, "Too Many Requests")
		return resp, false
	}
	f := s.takeFault(r.URL.Path)
	switch {
	case f == nil:
	case f.kind == faultFail:
		writeJSON(resp, f.status, aspNetError())
		return resp, false
	case f.kind == faultDrop:
		return resp, true
	}
	s.mux.ServeHTTP(resp, r)
	if resp.status == 0 {
		resp.WriteHeader(http.StatusOK)
	}
	return resp, f != nil && f.kind == faultDropAfterApply
}

// authorized checks the Basic credentials when the server requires them.
func (s *Server) authorized(r *http.Request) bool {
	if !s.checkAuth {
		return true
	}
	key, secret, ok := r.BasicAuth()
	return ok &&
		subtle.ConstantTimeCompare([]byte(key), []byte(s.authKey)) == 1 &&
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.authSecret)) == 1
}

// dropConnection breaks the client's connection without a reply. It sends a
// few bytes of a status line first: a connection closed before any byte is
// read is retried silently by Go's transport for idempotent requests on a
// reused connection, and the client must see the failure.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	_, _ = buf.WriteString("HTTP/1.1 5") // best effort: the connection is being broken anyway
	_ = buf.Flush()
}

// writeJSON writes v as the JSON body of the reply.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own types are marshalled: this is a bug here.
		panic("shipstationtest: marshal response: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// apiMessage is the {"message": ...} body of the documented error replies.
type apiMessage struct {
	Message string `json:"message"`
}

// writeMessage writes a {"message": ...} reply.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiMessage{Message: msg})
}

// aspNetErrorBody is the ASP.NET Web API shape of ShipStation's 500s.
type aspNetErrorBody struct {
	Message          string  `json:"Message"`
	ExceptionMessage string  `json:"ExceptionMessage"`
	ExceptionType    string  `json:"ExceptionType"`
	StackTrace       *string `json:"StackTrace"`
}

func aspNetError() aspNetErrorBody {
	return aspNetErrorBody{
		Message:          "An error has occurred.",
		ExceptionMessage: "Object reference not set to an instance of an object.",
		ExceptionType:    "System.NullReferenceException",
	}
}

// problem is a message for the client, worded like ShipStation's own.
type problem string

// Error implements error.
func (p problem) Error() string { return string(p) }

func problemf(format string, args ...any) problem { return problem(fmt.Sprintf(format, args...)) }
