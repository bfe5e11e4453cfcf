package transport_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// TestDefaultClientKeepsItsConnections sends 8 requests at a time to one
// host through the default HTTP client and counts the connections the
// server accepts: the client keeps each for the next request. (With
// http.DefaultTransport's 2 idle connections per host, most requests dialled
// a new one.)
func TestDefaultClientKeepsItsConnections(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	hc := transport.DefaultSettings(time.Minute).HTTPClient
	defer hc.CloseIdleConnections()

	const concurrency, each = 8, 25
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for range each {
				resp, err := hc.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				time.Sleep(time.Millisecond) // the caller's work: the connection goes back to the pool
			}
		})
	}
	wg.Wait()
	// A request may find its connection not yet back in the pool and dial
	// another, hence the margin.
	if got := conns.Load(); got > 2*concurrency {
		t.Errorf("%d requests, %d at a time, opened %d connections, want at most %d", concurrency*each, concurrency, got, 2*concurrency)
	}
}

// TestAnswersOfDeclaredLengthKeepTheConnection sends requests one after
// another through a Transport to a server that declares each answer's
// length (empty, small, large): reading a body of declared length into a
// buffer of that size still sees its end, so one connection serves them all.
// (A body closed before net/http sees its end costs the connection.)
func TestAnswersOfDeclaredLengthKeepTheConnection(t *testing.T) {
	var conns atomic.Int64
	sizes := []int{0, 2, 1500, 100_000}
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		body := strings.Repeat("x", sizes[int(n.Add(1)-1)%len(sizes)])
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = io.WriteString(w, body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	cfg := transport.Config{Name: "test", API: plainAPI{}, Settings: transport.DefaultSettings(time.Second), ErrBreakerOpen: errOpen}
	cfg.HTTPClient = srv.Client()
	defer cfg.HTTPClient.CloseIdleConnections()
	tr, err := transport.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 * len(sizes) {
		a, err := tr.Do(context.Background(), transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: srv.URL + "/x"})
		if err != nil {
			t.Fatal(err)
		}
		if want := sizes[i%len(sizes)]; len(a.Body) != want {
			t.Fatalf("request %d: body of %d bytes, want %d", i, len(a.Body), want)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("%d requests one after another opened %d connections, want 1", 4*len(sizes), got)
	}
}
