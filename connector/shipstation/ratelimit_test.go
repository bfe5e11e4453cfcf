package shipstation

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRateLimitedThenSucceeds(t *testing.T) {
	c, mux, pacer := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("X-Rate-Limit-Limit", "40")
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", "7")
			writeJSON(t, w, 429, map[string]string{"message": "Too Many Requests"})
			return
		}
		w.Header().Set("X-Rate-Limit-Remaining", "39")
		w.Header().Set("X-Rate-Limit-Reset", "59")
		writeJSON(t, w, 200, []Store{{StoreID: 88231}})
	})
	got, err := c.Stores.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || hits.Load() != 2 || pacer.waits.Load() != 2 {
		t.Errorf("stores %+v, hits %d, waits %d", got, hits.Load(), pacer.waits.Load())
	}
	want := []observation{{0, 7 * time.Second, true}, {39, 59 * time.Second, false}}
	if diff := cmp.Diff(want, pacer.observations(), cmp.AllowUnexported(observation{})); diff != "" {
		t.Errorf("pacer observations (-want +got):\n%s", diff)
	}
}

func TestRateLimitedWithoutHeadersCountsAsAMinute(t *testing.T) {
	for _, status := range []int{429, 200, 500} {
		c, mux, pacer := setup(t)
		var hits atomic.Int32
		mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) == 1 {
				writeJSON(t, w, status, map[string]string{"message": "Too Many Requests"})
				return
			}
			writeJSON(t, w, 200, []Store{})
		})
		if _, err := c.Stores.List(t.Context()); err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		want := []observation{{0, time.Minute, true}}
		if diff := cmp.Diff(want, pacer.observations(), cmp.AllowUnexported(observation{})); diff != "" {
			t.Errorf("status %d: pacer observations (-want +got):\n%s", status, diff)
		}
	}
}

func TestRateLimitRetriesAreBounded(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-Rate-Limit-Reset", "3")
		w.Header().Set("X-Rate-Limit-Limit", "40")
		writeJSON(t, w, 429, map[string]string{"message": "Too Many Requests"})
	})
	_, err := c.Stores.List(t.Context())
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Reset != 3*time.Second || rl.Limit != 40 || rl.Endpoint != "/stores" {
		t.Fatalf("err = %v, want a RateLimitError with a 3s reset", err)
	}
	if want := int32(1 + maxRateLimitRetries); hits.Load() != want {
		t.Errorf("hits = %d, want %d", hits.Load(), want)
	}
}

// TestRateLimitedWithoutPacerWaitsReset runs a 429 through a client without
// a pacer: the retry must wait out the server's reset by itself.
func TestRateLimitedWithoutPacerWaitsReset(t *testing.T) {
	unpaced := func(c *Client) error {
		c.pacer = nil
		return nil
	}
	c, mux, _ := setup(t, unpaced)
	var (
		mu   sync.Mutex
		sent []time.Time
	)
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, time.Now())
		first := len(sent) == 1
		mu.Unlock()
		if first {
			w.Header().Set("X-Rate-Limit-Reset", "1")
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			writeJSON(t, w, 429, map[string]string{"message": "Too Many Requests"})
			return
		}
		writeJSON(t, w, 200, []User{})
	})
	if _, err := c.Users.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 {
		t.Fatalf("%d requests, want 2", len(sent))
	}
	if gap := sent[1].Sub(sent[0]); gap < time.Second {
		t.Errorf("retried after %v, want at least the 1s reset", gap)
	}
}

func TestReportsRateAndRequestsToObserver(t *testing.T) {
	obs := &recordingObserver{}
	c, mux, pacer := setup(t, WithObserver(obs))
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rate-Limit-Limit", "40")
		w.Header().Set("X-Rate-Limit-Remaining", "31")
		w.Header().Set("X-Rate-Limit-Reset", "44")
		writeJSON(t, w, 200, Order{OrderID: 9})
	})
	if _, err := c.Orders.Get(t.Context(), 9); err != nil {
		t.Fatal(err)
	}
	requests, remaining, _ := obs.snapshot()
	if !cmp.Equal(requests, []string{"/orders/{id} 200"}) || !cmp.Equal(remaining, []int{31}) {
		t.Errorf("observer: requests %v, remaining %v", requests, remaining)
	}
	want := []observation{{31, 44 * time.Second, false}}
	if diff := cmp.Diff(want, pacer.observations(), cmp.AllowUnexported(observation{})); diff != "" {
		t.Errorf("pacer observations (-want +got):\n%s", diff)
	}
}

func TestNoObserveWithoutRateHeaders(t *testing.T) {
	c, mux, pacer := setup(t)
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) { writeJSON(t, w, 200, []User{}) })
	if _, err := c.Users.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := pacer.observations(); len(got) != 0 {
		t.Errorf("Observe called without rate headers: %v", got)
	}
}

func TestReadRateLimit(t *testing.T) {
	hdr := func(kv ...string) map[string][]string {
		h := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			h[kv[i]] = []string{kv[i+1]}
		}
		return h
	}
	tests := []struct {
		name   string
		status int
		header map[string][]string
		body   string
		want   rateLimit
	}{
		{"headers on a 200", 200, hdr("X-Rate-Limit-Limit", "40", "X-Rate-Limit-Remaining", "12", "X-Rate-Limit-Reset", "22"), `{}`,
			rateLimit{remaining: 12, limit: 40, reset: 22e9, known: true}},
		{"nothing left, no reset", 200, hdr("X-Rate-Limit-Remaining", "0"), `{}`,
			rateLimit{remaining: 0, reset: defaultReset, known: true}},
		{"429 with reset", 429, hdr("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", "20", "X-Rate-Limit-Limit", "60"), `{"message":"Too Many Requests"}`,
			rateLimit{remaining: 0, limit: 60, reset: 20e9, known: true, limited: true}},
		{"429 with a reset of 0 waits a second, not a minute", 429, hdr("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", "0"), `{"message":"Too Many Requests"}`,
			rateLimit{remaining: 0, reset: 1e9, known: true, limited: true}},
		{"429 without headers counts as 60 s", 429, hdr(), ``,
			rateLimit{reset: defaultReset, limited: true}},
		{"throttling body under another status", 500, hdr(), `{"message":"Too Many Requests"}`,
			rateLimit{reset: defaultReset, limited: true}},
		{"phrase inside data is not throttling", 200, hdr(), `{"orders":[{"customerNotes":"Too Many Requests"}]}`,
			rateLimit{}},
		{"malformed headers are ignored", 200, hdr("X-Rate-Limit-Remaining", "lots", "X-Rate-Limit-Reset", "-"), `{}`,
			rateLimit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readRateLimit(tt.status, tt.header, []byte(tt.body))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(rateLimit{})); diff != "" {
				t.Errorf("readRateLimit (-want +got):\n%s", diff)
			}
		})
	}
}
