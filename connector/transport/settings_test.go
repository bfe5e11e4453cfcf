package transport_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
