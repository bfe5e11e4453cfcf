// Package daemon is shipsync's process: New wires a validated configuration
// into the Redis state store, both connectors, the metrics, the jobs (one
// list, jobs.go) and the scheduler; Start and Stop are the daemon's life cycle
// (this file); Once, Check and DeadLetters are the other commands. Every
// command builds its parts here, so the demo and the tests exercise the same
// wiring as production.
package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/ops"
	"github.com/shipsync/shipsync/scheduler"
)

// httpShutdownTimeout bounds the ops server's shutdown, after the runs.
const httpShutdownTimeout = 5 * time.Second

// Start starts the daemon and returns once it takes work, or with why it
// cannot. In order:
//
//  1. The ops server (/metrics, /healthz, /readyz) listens on HTTP_ADDR:
//     /healthz answers from the first second, /readyz says "preflight
//     running" until step 4.
//  2. Redis must answer: no job may run without a place to record its
//     effects. The start waits for it (waitForRedis), /readyz saying "redis
//     unreachable" meanwhile, until ctx ends.
//  3. The preflight checks both credentials and the configuration. Rejected
//     credentials stop the start; a job whose configuration does not resolve
//     is left off, and the others run.
//  4. The jobs are registered with the scheduler, and readiness watches the
//     enabled ones and the upstreams the preflight could not reach.
//  5. The scheduler starts: it and the ops server run together in an
//     errgroup until Stop, or until the server fails, which stops the daemon
//     as Stop does.
//
// A failed start closes the ops server again. ctx bounds the start only.
// Start is called once.
func (a *App) Start(ctx context.Context) error {
	started := time.Now()
	a.Log.Info().Str("version", a.version).Object("config", a.Config).Msg("shipsync starting")

	gate := &ops.Gate{}
	ln, err := net.Listen("tcp", a.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", a.Config.HTTPAddr, err)
	}
	srv := ops.Server(a.Config.HTTPAddr, ops.Handler(a.Registry, gate))
	srv.ErrorLog = stdLogger(a.Log, zerolog.ErrorLevel)
	a.addr = ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.Log.Info().Str("http_addr", a.addr).Msg("ops endpoints listening: /healthz answers, /readyz waits for the preflight")

	readiness, err := a.prepare(ctx, gate, started)
	if err != nil {
		_ = srv.Close()
		<-served
		return err
	}
	gate.Open(readiness)

	running, cancel := context.WithCancel(context.Background())
	a.cancel, a.stopped = cancel, make(chan struct{})
	g, gctx := errgroup.WithContext(running)
	g.Go(func() error { // the ops server, until shutdown closes it
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	a.Scheduler.Start()
	g.Go(func() error { // the scheduler, until Stop or a failed server
		<-gctx.Done()
		return a.shutdown(srv)
	})
	go func() {
		a.err = g.Wait()
		a.Log.Info().Msg("shipsync stopped")
		close(a.stopped)
	}()
	a.Log.Info().Str("http_addr", a.addr).Msg("shipsync running")
	return nil
}

// prepare is the part of the start that must succeed before any job runs:
// Redis answers (waitForRedis), the preflight, the jobs registered. It
// returns the readiness that /readyz asks from then on.
func (a *App) prepare(ctx context.Context, gate *ops.Gate, started time.Time) (*ops.Readiness, error) {
	if err := a.waitForRedis(ctx, gate); err != nil {
		return nil, err
	}
	report := a.Preflight(ctx, "")
	if report.Rejected {
		return nil, errors.New("preflight: credentials rejected")
	}
	if err := a.enable(report.Disabled); err != nil {
		return nil, err
	}
	return a.readiness(report, started), nil
}

// Redis pings at start: each waits at most redisPingTimeout, and the pause
// between two grows from redisRetryFirst to redisRetryMax.
const (
	redisPingTimeout = 2 * time.Second
	redisRetryFirst  = time.Second
	redisRetryMax    = 30 * time.Second
)

// waitForRedis returns once Redis answers a ping, or with the last ping's
// error once ctx ends. A daemon started before its Redis, or while Redis
// restarts, waits for it instead of exiting (DESIGN.md §5: no job runs,
// /readyz says why, the worker recovers by itself): it logs the first
// failure and then one a minute, and the gate answers "redis unreachable"
// meanwhile. A Redis that answers with a refusal (redisMisconfigured: wrong
// password, say) ends the start at once. Nothing is asked of the upstreams
// before.
func (a *App) waitForRedis(ctx context.Context, gate *ops.Gate) error {
	var logged time.Time
	for wait := redisRetryFirst; ; wait = min(2*wait, redisRetryMax) {
		pctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
		err := a.Store.Ping(pctx)
		cancel()
		if err == nil {
			if !logged.IsZero() {
				gate.Hold(nil)
				a.Log.Info().Msg("redis answers: starting")
			}
			return nil
		}
		if redisMisconfigured(err) {
			return fmt.Errorf("redis refused shipsync (check REDIS_URL): %w", err)
		}
		err = fmt.Errorf("redis unreachable: %w", err)
		gate.Hold(err)
		if time.Since(logged) >= time.Minute {
			a.Log.Warn().Err(err).Int64("retry_in_ms", wait.Milliseconds()).Msg("waiting for redis: no job runs until it answers")
			logged = time.Now()
		}
		if retry.Sleep(ctx, wait) != nil {
			return err
		}
	}
}

// redisMisconfigured reports whether a ping's err is an answer that waiting
// does not change: the credentials or permissions refused, another refusal
// of the server ("ERR", e.g. a database index out of range), or a
// certificate that does not verify. A Redis still loading its data, busy, at
// its maximum of clients, or not reachable at all is waited for.
func redisMisconfigured(err error) bool {
	var reply redis.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	refused := false
	if errors.As(err, &reply) {
		msg := reply.Error()
		for _, prefix := range []string{"NOAUTH", "WRONGPASS", "NOPERM", "ERR "} {
			refused = refused || strings.HasPrefix(msg, prefix)
		}
		refused = refused && !strings.Contains(msg, "max number of clients") // a full server frees up
	}
	return refused || redis.IsAuthError(err) || redis.IsPermissionError(err) ||
		errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname)
}

// Addr is the address the ops server listens on, once Start returned.
func (a *App) Addr() string { return a.addr }

// Stop stops the daemon and waits until it has stopped, or until ctx ends:
// no new runs start, the runs in hand get SHUTDOWN_GRACE to finish or
// checkpoint their page, those still going then are cancelled, and the ops
// server closes. It returns what went wrong on the way, or why the daemon had
// stopped by itself. Stop may be called more than once.
func (a *App) Stop(ctx context.Context) error {
	if a.stopped == nil {
		return nil // never started
	}
	a.cancel()
	select {
	case <-a.stopped:
		return a.err
	case <-ctx.Done():
		return fmt.Errorf("daemon still stopping: %w", ctx.Err())
	}
}

// Stopped is closed once the daemon has stopped, after Stop or by itself
// (its ops server failed); Stop then returns why.
func (a *App) Stopped() <-chan struct{} { return a.stopped }

// shutdown is the daemon's way out: it drains the scheduler within
// SHUTDOWN_GRACE (stop taking work, wait for the runs in hand, then cancel
// them), then closes the ops server.
func (a *App) shutdown(srv *http.Server) error {
	a.Log.Info().Int64("grace_ms", a.Config.ShutdownGrace.Milliseconds()).Msg("shutting down: no new runs, finishing the page in hand")
	grace, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
	defer cancel()
	stopErr := a.Scheduler.Stop(grace)
	if errors.Is(stopErr, scheduler.ErrRunsCancelled) {
		// The runs returned after their cancellation, having checkpointed:
		// a clean, if late, shutdown.
		a.Log.Warn().Err(stopErr).Str("event", "runs_cancelled").Msg("runs cancelled at the end of the grace period, after checkpointing")
		stopErr = nil
	}

	httpCtx, cancelHTTP := context.WithTimeout(context.Background(), httpShutdownTimeout)
	defer cancelHTTP()
	return errors.Join(stopErr, srv.Shutdown(httpCtx))
}
