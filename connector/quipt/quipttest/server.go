// Package quipttest is an in-process Quipt API v2 sandbox implementing
// docs/quipt-api.md: it verifies every request's OAuth 1.0a signature, keeps
// fulfillment orders, purchase orders and inventory in memory, applies the
// five idempotent writes, and lets tests inject failures. It shares no code
// with the client package, so a bug on one side cannot hide a bug on the other.
package quipttest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Credentials the sandbox accepts unless WithCredentials says otherwise.
const (
	DefaultConsumerKey    = "sandbox-consumer-key"
	DefaultConsumerSecret = "sandbox-consumer-secret"
	DefaultToken          = "sandbox-token"
	DefaultTokenSecret    = "sandbox-token-secret"
)

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the one consumer and token the sandbox accepts.
func WithCredentials(consumerKey, consumerSecret, token, tokenSecret string) Option {
	return func(s *Server) {
		s.consumerKey, s.consumerSecret, s.token, s.tokenSecret = consumerKey, consumerSecret, token, tokenSecret
	}
}

// WithClock sets the server clock, used for OAuth timestamp checks and for
// CreatedAt/UpdatedAt.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithPathPrefix serves the API under prefix (e.g. "/api"), to test clients
// whose base URL carries a path.
func WithPathPrefix(prefix string) Option {
	return func(s *Server) { s.prefix = strings.TrimSuffix(prefix, "/") }
}

// WithLatency makes every request take at least d before it is answered (a
// realistic 100–200 ms per call, for throughput benchmarks). The wait is not
// under the server's lock: requests in flight wait side by side.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// Server is the sandbox. Its methods are safe for concurrent use.
type Server struct {
	srv    *httptest.Server
	mux    *http.ServeMux
	prefix string
	now    func() time.Time

	consumerKey, consumerSecret, token, tokenSecret string
	latency                                         time.Duration

	flightMu    sync.Mutex
	inFlight    int // requests being served
	maxInFlight int // most requests served at once

	mu          sync.Mutex
	nonces      map[string]time.Time // nonce → its request's timestamp
	fulfillment book
	purchase    book
	inventory   []InventoryItem
	partnerRefs map[string]string // PartnerReference → purchase order id
	shipKeys    map[string]string // ExternalShipmentId → fulfillment order id
	writeKeys   map[string]bool   // "<endpoint> <key>" of acknowledge and cancel writes
	acks        map[string][]Acknowledgement
	writes      []Write
	calls       map[string]int
	faults      []*fault
	held        map[string]int // endpoint → requests HoldNext held
}

// New starts a sandbox; Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		now:            time.Now,
		consumerKey:    DefaultConsumerKey,
		consumerSecret: DefaultConsumerSecret,
		token:          DefaultToken,
		tokenSecret:    DefaultTokenSecret,
		nonces:         map[string]time.Time{},
		fulfillment:    newBook(),
		purchase:       newBook(),
		partnerRefs:    map[string]string{},
		shipKeys:       map[string]string{},
		writeKeys:      map[string]bool{},
		acks:           map[string][]Acknowledgement{},
		calls:          map[string]int{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.mux = http.NewServeMux()
	s.route("GET /v2/orders/fulfillment/{pageSize}/{pageNumber}", s.listOrders(&s.fulfillment))
	s.route("GET /v2/orders/fulfillment/id/{id}", s.getFulfillmentOrder)
	s.route("GET /v2/orders/purchase/{pageSize}/{pageNumber}", s.listOrders(&s.purchase))
	s.route("GET /v2/inventory/physical/{pageSize}/{pageNumber}", s.listInventory)
	s.route("POST /v2/orders/purchase", s.createPurchaseOrder)
	s.route("POST /v2/orders/fulfillment/acknowledge", s.acknowledge)
	s.route("POST /v2/orders/fulfillment/ship", s.ship)
	s.route("POST /v2/orders/fulfillment/ship/void", s.void)
	s.route("POST /v2/orders/fulfillment/cancel", s.cancel)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base URL to give the client (the path prefix included).
func (s *Server) URL() string { return s.srv.URL + s.prefix }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// route registers h under the prefix. Handlers run with s.mu held.
func (s *Server) route(pattern string, h func(w http.ResponseWriter, r *http.Request)) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" "+s.prefix+path, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r)
	})
}

// serve runs every request through call counting, fault injection and
// authentication before the endpoint handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	defer s.enter()()
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	_, pattern := s.mux.Handler(r)
	endpoint := s.endpointOf(r, pattern)
	s.count(endpoint)
	path := strings.TrimPrefix(r.URL.Path, s.prefix)
	s.waitHold(path, endpoint)

	if s.takeFault(faultDrop, path, endpoint) != nil {
		dropConnection(w)
		return
	}
	if f := s.takeFault(faultRateLimit, path, endpoint); f != nil {
		secs := int((f.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		s.fail(w, http.StatusTooManyRequests, "RateLimited", "too many requests")
		return
	}
	if reason := s.authenticate(r); reason != "" {
		s.fail(w, http.StatusUnauthorized, "Unauthorized", reason)
		return
	}
	if f := s.takeFault(faultFail, path, endpoint); f != nil {
		s.fail(w, f.status, "ServerError", "injected failure")
		return
	}
	if s.takeFault(faultEnvelope, path, endpoint) != nil {
		s.fail(w, http.StatusOK, "Failed", "injected envelope failure")
		return
	}
	if s.takeFault(faultDropAfterApply, path, endpoint) != nil {
		s.mux.ServeHTTP(httptest.NewRecorder(), r)
		dropConnection(w)
		return
	}
	if pattern == "" {
		s.fail(w, http.StatusNotFound, "NotFound", "no such endpoint")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// enter counts a request in flight until the returned func is called.
func (s *Server) enter() (leave func()) {
	s.flightMu.Lock()
	defer s.flightMu.Unlock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	return func() {
		s.flightMu.Lock()
		defer s.flightMu.Unlock()
		s.inFlight--
	}
}

// MaxInFlight returns the most requests the server was serving at once
// since it started or since the last ResetMaxInFlight.
func (s *Server) MaxInFlight() int {
	s.flightMu.Lock()
	defer s.flightMu.Unlock()
	return s.maxInFlight
}

// ResetMaxInFlight starts counting MaxInFlight anew.
func (s *Server) ResetMaxInFlight() {
	s.flightMu.Lock()
	defer s.flightMu.Unlock()
	s.maxInFlight = s.inFlight
}

// endpointOf names the endpoint for call counts and faults: the route's path
// template without method and prefix, or the raw path when no route matched.
func (s *Server) endpointOf(r *http.Request, pattern string) string {
	if pattern == "" {
		return strings.TrimPrefix(r.URL.Path, s.prefix)
	}
	_, path, _ := strings.Cut(pattern, " ")
	return strings.TrimPrefix(path, s.prefix)
}

// respond writes a successful envelope.
func (s *Server) respond(w http.ResponseWriter, result any, pg *paging, messages ...Message) {
	s.write(w, http.StatusOK, envelope{Paging: pg, Result: result, Success: true, Messages: messages})
}

// fail writes a failed envelope with one Error message.
func (s *Server) fail(w http.ResponseWriter, status int, code, description string) {
	s.write(w, status, envelope{Success: false, Messages: []Message{{Severity: "Error", Code: code, Description: description}}})
}

func (s *Server) write(w http.ResponseWriter, status int, env envelope) {
	env.TransactionID = newID()
	env.TransactionTime = s.now().UTC().Truncate(time.Second)
	if env.Messages == nil {
		env.Messages = []Message{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The client may have gone away; there is nobody to report an error to.
	_ = json.NewEncoder(w).Encode(env)
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("quipttest: response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(fmt.Sprintf("quipttest: hijack: %v", err))
	}
	conn.Close()
}

// newID returns a GUID-like random identifier.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
