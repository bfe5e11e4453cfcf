package ops

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
)

func TestReadiness(t *testing.T) {
	every5, err := cron.ParseStandard("*/5 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 2, 0, 0, time.UTC)
	started := now.Add(-time.Hour)
	tests := []struct {
		name      string
		pingErr   error
		last      time.Time
		hasLast   bool
		started   time.Time
		wantReady bool
		wantText  string
	}{
		{name: "recent success", last: now.Add(-6 * time.Minute), hasLast: true, started: started, wantReady: true},
		{name: "late by more than three intervals", last: now.Add(-16 * time.Minute), hasLast: true, started: started, wantText: "get-orders: no successful run"},
		{name: "never ran, process young", started: now.Add(-10 * time.Minute), wantReady: true},
		{name: "never ran, process old", started: started, wantText: "get-orders"},
		{name: "redis down", pingErr: errors.New("connection refused"), last: now, hasLast: true, started: started, wantText: "redis unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Readiness{
				Ping: func(context.Context) error { return tt.pingErr },
				LastSuccess: func(context.Context, string) (time.Time, bool, error) {
					return tt.last, tt.hasLast, nil
				},
				Jobs:    []ReadyJob{{Name: "get-orders", Schedule: every5}},
				Started: tt.started,
				Now:     func() time.Time { return now },
			}
			err := r.Check(context.Background())
			if tt.wantReady != (err == nil) {
				t.Fatalf("Check() = %v, want ready=%v", err, tt.wantReady)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Check() = %q, want it to mention %q", err, tt.wantText)
			}
		})
	}
}

func TestHandlerEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "shipsync_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	ready := &Readiness{Ping: func(context.Context) error { return errors.New("down") }}
	srv := httptest.NewServer(Handler(reg, ready))
	defer srv.Close()

	get := func(path string) (int, string) { return httpGet(t, srv.URL+path) }
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "redis unreachable") {
		t.Errorf("/readyz = %d %q, want 503 naming redis", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "shipsync_test_total 1") {
		t.Errorf("/metrics = %d, want 200 with the registry's counter", code)
	}
}
