// Package ops serves the operator endpoints on HTTP_ADDR: /metrics
// (Prometheus, from the daemon's own registry), /healthz (the process is alive,
// from the first second) and /readyz (the preflight has ended, Redis answers,
// the required upstreams can be used and every enabled job ran successfully
// recently).
package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"
)

// ReadyJob is an enabled job whose last success readiness checks.
type ReadyJob struct {
	Name     string
	Schedule cron.Schedule
}

// Readiness decides whether the worker can do its work.
type Readiness struct {
	// Ping checks Redis.
	Ping func(ctx context.Context) error
	// LastSuccess returns when a job last ran successfully on any replica.
	LastSuccess func(ctx context.Context, job string) (time.Time, bool, error)
	// Jobs are the enabled jobs.
	Jobs []ReadyJob
	// Started is when this process started: a job that has not run yet is
	// given three of its intervals from then.
	Started time.Time
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Upstreams, when set, returns why a required upstream cannot be used
	// (unreachable, its circuit breaker open), or nil.
	Upstreams func() error
}

// Check returns nil when ready, else an error listing every reason.
func (r *Readiness) Check(ctx context.Context) error {
	if err := r.Ping(ctx); err != nil {
		return fmt.Errorf("redis unreachable: %w", err)
	}
	if r.Upstreams != nil {
		if err := r.Upstreams(); err != nil {
			return err
		}
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	var problems []string
	for _, j := range r.Jobs {
		interval := Interval(j.Schedule, now)
		last, ok, err := r.LastSuccess(ctx, j.Name)
		if err != nil {
			return fmt.Errorf("read last run of %s: %w", j.Name, err)
		}
		// A job gets three intervals from this process's start before it counts
		// as late, whether or not another replica ran it long ago.
		if !ok || last.Before(r.Started) {
			last = r.Started
		}
		if now.Sub(last) > 3*interval {
			problems = append(problems, fmt.Sprintf("%s: no successful run since %s (interval %s)", j.Name, last.UTC().Format(time.RFC3339), interval))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Interval is the time between the next two activations of s after now.
func Interval(s cron.Schedule, now time.Time) time.Duration {
	next := s.Next(now)
	return s.Next(next).Sub(next)
}

// Handler returns the mux with the three endpoints. /healthz answers as soon
// as the server listens; /readyz answers ready's Check (a Gate while the
// daemon starts).
func Handler(gatherer prometheus.Gatherer, ready Checker) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), CheckTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := ready.Check(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}

// Server returns an HTTP server for addr with sane timeouts.
func Server(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
}
