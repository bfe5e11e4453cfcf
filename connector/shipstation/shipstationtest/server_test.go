package shipstationtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCredentialsMismatchGetsPlainText401(t *testing.T) {
	srv := start(t, WithCredentials("key", "other-secret"))
	r := call(t, srv, "GET", "/carriers", nil)
	r.wantStatus(t, http.StatusUnauthorized)
	if string(r.body) != "401 Unauthorized" {
		t.Errorf("body = %q, want the plain text 401 Unauthorized", r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}

	ok := start(t, WithCredentials("key", "secret"))
	call(t, ok, "GET", "/carriers", nil).wantStatus(t, http.StatusOK)
}

func TestUnknownPathsAreJSON404(t *testing.T) {
	srv := start(t)
	for _, c := range []struct{ method, path string }{
		{"GET", "/nope"},
		{"GET", "/orders/999"},
		{"GET", "/orders/abc"},
		{"DELETE", "/orders"},
		{"GET", "/orders/createorders"},
	} {
		r := call(t, srv, c.method, c.path, nil)
		if r.status != http.StatusNotFound || string(r.body) != `{"message":"Not Found"}` {
			t.Errorf("%s %s = %d %s, want 404 {\"message\":\"Not Found\"}", c.method, c.path, r.status, r.body)
		}
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	clk := newClock(t0)
	srv := start(t, WithRateLimit(3, time.Minute), WithClock(clk.Now))

	for i, wantRemaining := range []string{"2", "1", "0"} {
		clk.Set(t0.Add(time.Duration(i) * 10 * time.Second))
		r := call(t, srv, "GET", "/carriers", nil)
		r.wantStatus(t, http.StatusOK)
		wantReset := []string{"60", "50", "40"}[i]
		if got := r.header.Get("X-Rate-Limit-Limit"); got != "3" {
			t.Errorf("request %d: limit = %q, want 3", i, got)
		}
		if got := r.header.Get("X-Rate-Limit-Remaining"); got != wantRemaining {
			t.Errorf("request %d: remaining = %q, want %s", i, got, wantRemaining)
		}
		if got := r.header.Get("X-Rate-Limit-Reset"); got != wantReset {
			t.Errorf("request %d: reset = %q, want %s", i, got, wantReset)
		}
	}

	// Over the limit: 429, not applied, rounded-up reset.
	clk.Set(t0.Add(59*time.Second + 500*time.Millisecond))
	r := call(t, srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "k1")})
	r.wantStatus(t, http.StatusTooManyRequests)
	if string(r.body) != `{"message":"Too Many Requests"}` {
		t.Errorf("429 body = %s", r.body)
	}
	if r.header.Get("X-Rate-Limit-Remaining") != "0" || r.header.Get("X-Rate-Limit-Reset") != "1" {
		t.Errorf("429 headers remaining=%q reset=%q, want 0 and 1",
			r.header.Get("X-Rate-Limit-Remaining"), r.header.Get("X-Rate-Limit-Reset"))
	}
	if len(srv.Orders()) != 0 || len(srv.CreateOrdersCalls()) != 0 {
		t.Error("a rate-limited createorders was applied")
	}

	// The next window starts a whole window after the first request.
	clk.Set(t0.Add(61 * time.Second))
	r = call(t, srv, "GET", "/carriers", nil)
	r.wantStatus(t, http.StatusOK)
	if r.header.Get("X-Rate-Limit-Remaining") != "2" || r.header.Get("X-Rate-Limit-Reset") != "59" {
		t.Errorf("new window: remaining=%q reset=%q, want 2 and 59",
			r.header.Get("X-Rate-Limit-Remaining"), r.header.Get("X-Rate-Limit-Reset"))
	}

	if got := srv.MaxInWindow(time.Minute); got != 3 {
		t.Errorf("MaxInWindow(1m) = %d, want 3 (429s excluded)", got)
	}
	if got := srv.MaxInWindowAll(time.Minute); got != 4 {
		t.Errorf("MaxInWindowAll(1m) = %d, want 4", got)
	}
	if got := srv.MaxInWindow(15 * time.Second); got != 2 {
		t.Errorf("MaxInWindow(15s) = %d, want 2", got)
	}
	if got := srv.Count("GET", "/carriers"); got != 4 {
		t.Errorf("Count(GET /carriers) = %d, want 4", got)
	}
	reqs := srv.Requests()
	if len(reqs) != 5 || reqs[3].Status != http.StatusTooManyRequests || reqs[3].Method != "POST" {
		t.Errorf("request log = %+v", reqs)
	}
}

func TestRateLimitDisabled(t *testing.T) {
	srv := start(t, WithRateLimit(0, time.Minute))
	for range 50 {
		r := call(t, srv, "GET", "/users", nil)
		r.wantStatus(t, http.StatusOK)
		if r.header.Get("X-Rate-Limit-Limit") != "" {
			t.Fatal("rate headers sent with the limit disabled")
		}
	}
}

func TestFailNextIsNotApplied(t *testing.T) {
	srv := start(t)
	srv.FailNext("/orders/createorders", 2, http.StatusInternalServerError)
	batch := []any{minimalOrder("WEB-1", "k1")}
	for range 2 {
		r := call(t, srv, "POST", "/orders/createorders", batch)
		r.wantStatus(t, http.StatusInternalServerError)
		var body map[string]any
		r.decode(t, &body)
		if body["ExceptionMessage"] != "Object reference not set to an instance of an object." ||
			body["Message"] != "An error has occurred." || body["StackTrace"] != nil {
			t.Errorf("500 body = %s", r.body)
		}
	}
	if len(srv.Orders()) != 0 {
		t.Fatal("a failed request was applied")
	}
	// Other paths are not affected; the third call goes through.
	call(t, srv, "GET", "/users", nil).wantStatus(t, http.StatusOK)
	call(t, srv, "POST", "/orders/createorders", batch).wantStatus(t, http.StatusOK)
	if len(srv.Orders()) != 1 {
		t.Fatalf("orders = %d, want 1", len(srv.Orders()))
	}
}

func TestFailNextAnyPath(t *testing.T) {
	srv := start(t)
	srv.FailNext("", 1, http.StatusBadGateway)
	call(t, srv, "GET", "/users", nil).wantStatus(t, http.StatusBadGateway)
	call(t, srv, "GET", "/stores", nil).wantStatus(t, http.StatusOK)
}

func TestDropNextIsNotApplied(t *testing.T) {
	srv := start(t)
	srv.DropNext("/orders/createorders", 1)
	if _, err := send(srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "k1")}); err == nil {
		t.Fatal("dropped request succeeded")
	}
	if len(srv.Orders()) != 0 {
		t.Fatal("a dropped request was applied")
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Status != 0 {
		t.Fatalf("request log = %+v, want one entry with status 0", reqs)
	}
}

// TestDropNextOnReusedConnectionIsSeen checks that a dropped GET on a
// kept-alive connection reaches the client as an error instead of being
// retried by the transport behind its back.
func TestDropNextOnReusedConnectionIsSeen(t *testing.T) {
	srv := start(t)
	call(t, srv, "GET", "/users", nil).wantStatus(t, http.StatusOK) // warm the connection
	srv.DropNext("/users", 1)
	if _, err := send(srv, "GET", "/users", nil); err == nil {
		t.Fatal("dropped GET succeeded")
	}
	if n := srv.Count("GET", "/users"); n != 2 {
		t.Fatalf("GET /users requests = %d, want 2 (no hidden retry)", n)
	}
	call(t, srv, "GET", "/users", nil).wantStatus(t, http.StatusOK)
}

func TestDropAfterApplyIsApplied(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	srv.DropAfterApply("/orders/createorders", 1)
	if _, err := send(srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "quipt:1")}); err == nil {
		t.Fatal("dropped request succeeded")
	}
	if _, ok := srv.OrderByKey("quipt:1"); !ok {
		t.Fatal("the write was not applied before the drop")
	}
	// The retry of the same key updates the same order.
	call(t, srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "quipt:1")}).wantStatus(t, http.StatusOK)
	if n := len(srv.Orders()); n != 1 {
		t.Fatalf("orders = %d, want 1", n)
	}
	if n := len(srv.CreateOrdersCalls()); n != 2 {
		t.Fatalf("createorders calls = %d, want 2", n)
	}
}

func TestLatencyHonoursClientDeadlineAndClose(t *testing.T) {
	srv := New()
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/users", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("request succeeded despite an hour of latency")
	}

	done := make(chan struct{})
	go func() {
		if _, err := send(srv, "GET", "/users", nil); err != nil {
			t.Errorf("request in flight at Close: %v", err)
		}
		close(done)
	}()
	time.Sleep(20 * time.Millisecond) // let the request reach the delay
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited out the latency")
	}
	<-done
	srv.Close() // a second Close is harmless
}

func TestLatencyDelaysResponses(t *testing.T) {
	srv := start(t)
	srv.SetLatency(30 * time.Millisecond)
	begin := time.Now()
	call(t, srv, "GET", "/users", nil).wantStatus(t, http.StatusOK)
	if d := time.Since(begin); d < 30*time.Millisecond {
		t.Fatalf("response after %v, want at least 30ms", d)
	}
}

func TestRequestLogRecordsPartnerAndQuery(t *testing.T) {
	srv := start(t)
	req, err := http.NewRequest("GET", srv.URL()+"/orders?orderStatus=shipped&page=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-partner", "partner-1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := srv.Requests()[0]
	if r.Partner != "partner-1" || r.Query != "orderStatus=shipped&page=2" || r.Path != "/orders" || r.Status != 200 {
		t.Fatalf("logged %+v", r)
	}
}
