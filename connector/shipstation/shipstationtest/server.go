package shipstationtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Server is a running ShipStation sandbox. All its methods are safe for
// concurrent use, also while requests are being served.
type Server struct {
	ts     *httptest.Server
	mux    *http.ServeMux
	render renderer
	loc    *time.Location
	now    func() time.Time
	closed chan struct{}
	once   sync.Once
	// configuration, fixed after New
	authKey, authSecret string
	checkAuth           bool
	limit               int
	window              time.Duration

	mu       sync.Mutex
	rate     rateWindow
	requests []Request
	faults   []*fault
	holds    []*fault
	held     map[string]int // path → requests HoldNext held
	latency  time.Duration
	data     store
	calls    callLog
}

// Option configures a Server in New.
type Option func(*Server)

// WithCredentials makes the server require HTTP Basic auth with this API key
// and secret; any other request gets 401 with the plain-text body
// "401 Unauthorized". Without it every request is accepted.
func WithCredentials(key, secret string) Option {
	return func(s *Server) { s.authKey, s.authSecret, s.checkAuth = key, secret, true }
}

// WithRateLimit sets the number of requests allowed per fixed window (default
// 40 per 60 s; a window of 0 or less means 60 s). A limit of 0 or less
// disables the limit and the X-Rate-Limit-* headers.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(s *Server) {
		s.limit, s.window = limit, window
		if window <= 0 {
			s.window = time.Minute
		}
	}
}

// WithClock sets the clock used for rate windows, the request log and every
// date the server stamps (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithDefaultAccount seeds the account fixtures: DefaultCarriers,
// DefaultServices, DefaultStores, DefaultWarehouses, DefaultUsers and
// DefaultTags.
func WithDefaultAccount() Option {
	return func(s *Server) {
		s.data.carriers = DefaultCarriers()
		s.data.services = DefaultServices()
		s.data.stores = DefaultStores()
		s.data.warehouses = DefaultWarehouses()
		s.data.users = DefaultUsers()
		s.data.tags = DefaultTags()
	}
}

// New starts a sandbox on a local httptest server. Close it when done.
func New(opts ...Option) *Server {
	loc := loadPacific()
	s := &Server{
		render: renderer{loc: loc},
		loc:    loc,
		now:    time.Now,
		closed: make(chan struct{}),
		limit:  40,
		window: time.Minute,
		data:   newStore(),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.mux = s.routes()
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL of the sandbox, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client configured for the sandbox.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close aborts any injected latency, shuts the server down and waits for the
// requests in flight. Calling it again does nothing.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.ts.Close()
	})
}

// SetLatency delays every following response by d (0 turns it off). A delay
// ends early when the request is cancelled or the server is closed.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}
