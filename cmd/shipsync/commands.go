package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/ops"
	"github.com/shipsync/shipsync/preflight"
	"github.com/shipsync/shipsync/state"
)

// setup loads the configuration and builds the logger and the App. A bad
// configuration prints one plain line per problem on stderr, before any
// logging starts.
func setup(stdout, stderr io.Writer, env map[string]string, opts daemon.Options) (*daemon.App, zerolog.Logger, bool) {
	cfg, err := config.Load(env)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, zerolog.Nop(), false
	}
	log := newLogger(stdout, cfg.LogFormat == config.LogConsole, cfg.LogLevel)
	captureLibraryLogs(log)
	app, err := daemon.New(cfg, log, opts)
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return nil, log, false
	}
	return app, log, true
}

// cmdRun is the daemon: preflight, then the HTTP endpoints and the scheduler
// until SIGTERM, then a drain within SHUTDOWN_GRACE.
func cmdRun(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	app, log, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	if err := serve(ctx, app, log, app.Config.HTTPAddr, nil); err != nil {
		log.Error().Err(err).Msg("shipsync stopped with an error")
		return exitFailed
	}
	return exitOK
}

// serve runs the preflight, then the scheduler and the ops endpoints until ctx
// ends. When ready is not nil it receives the HTTP listener's address once the
// daemon is up (demo and tests).
func serve(ctx context.Context, app *daemon.App, log zerolog.Logger, addr string, ready chan<- string) error {
	started := time.Now()
	log.Info().Str("version", version).Object("config", app.Config).Msg("shipsync starting")

	report := runPreflight(ctx, app, log, "")
	if report.Rejected {
		return errors.New("preflight: credentials rejected")
	}
	if err := app.Enable(report.Disabled); err != nil {
		return err
	}

	readiness := &ops.Readiness{Ping: app.Ping, LastSuccess: app.Store.LastSuccess, Started: started}
	for _, j := range app.Jobs {
		if _, off := report.Disabled[j.Name]; off || j.Schedule == nil {
			continue
		}
		readiness.Jobs = append(readiness.Jobs, ops.ReadyJob{Name: j.Name, Schedule: j.Schedule})
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", addr, err)
	}
	srv := ops.Server(addr, ops.Handler(app.Registry, readiness))
	srv.ErrorLog = stdLogger(log, zerolog.ErrorLevel)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	app.Scheduler.Start()
	log.Info().Str("http_addr", ln.Addr().String()).Msg("shipsync running")
	if ready != nil {
		ready <- ln.Addr().String()
	}

	g.Go(func() error {
		<-gctx.Done()
		log.Info().Dur("grace", app.Config.ShutdownGrace).Msg("shutting down: no new runs, finishing the page in hand")
		drainCtx, cancel := context.WithTimeout(context.Background(), app.Config.ShutdownGrace)
		defer cancel()
		stopErr := app.Scheduler.Stop(drainCtx)
		httpCtx, cancelHTTP := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancelHTTP()
		return errors.Join(stopErr, srv.Shutdown(httpCtx))
	})
	err = g.Wait()
	log.Info().Msg("shipsync stopped")
	return err
}

// runPreflight runs the check (all of it, or only what job needs when job is
// not "") and logs one event per item.
func runPreflight(ctx context.Context, app *daemon.App, log zerolog.Logger, job string) *preflight.Report {
	checker := &preflight.Checker{Config: app.Config, ShipStation: app.ShipStation, Quipt: app.Quipt, Only: job}
	report := checker.Run(ctx)
	app.SetUSPSCode(rememberUSPSCode(ctx, app, log, report.USPSCode))
	for _, it := range report.Items {
		ev := log.Info()
		if it.Status == preflight.Invalid {
			ev = log.Error()
		}
		ev = ev.Str("event", "check").Str("section", it.Section).Str("name", it.Name).Str("status", it.Status)
		if it.Reason != "" {
			ev = ev.Str("reason", it.Reason)
		}
		ev.Msg("preflight")
	}
	for disabled, reason := range report.Disabled {
		if job != "" && disabled != job {
			continue
		}
		log.Error().Str("event", "check").Str("section", "job").Str("name", disabled).Str("status", preflight.Invalid).Str("reason", reason).Msg("preflight")
	}
	return report
}

// rememberUSPSCode returns the account's USPS carrier code: the one the
// preflight just found, recorded in Redis for the next start, or, when the
// preflight could not tell (ShipStation unreachable), the one recorded last, so
// that pushed orders keep their carrier code and content.
func rememberUSPSCode(ctx context.Context, app *daemon.App, log zerolog.Logger, found string) string {
	if found != "" {
		if err := app.Store.PutAccountFact(ctx, state.FactUSPSCode, found); err != nil {
			log.Warn().Err(err).Msg("cannot record the account's USPS carrier code")
		}
		return found
	}
	code, ok, err := app.Store.AccountFact(ctx, state.FactUSPSCode)
	if err != nil || !ok {
		return ""
	}
	log.Info().Str("usps_code", code).Msg("preflight could not list carriers: using the USPS carrier code recorded earlier")
	return code
}

// cmdCheck is `shipsync check`: the preflight alone; non-zero when anything is invalid.
func cmdCheck(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	app, log, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	report := runPreflight(ctx, app, log, "")
	if !report.OK() {
		log.Error().Str("event", "check_result").Msg("check failed: see the invalid items above")
		return exitFailed
	}
	log.Info().Str("event", "check_result").Msg("check passed: everything resolves")
	return exitOK
}

// cmdOnce is `shipsync once JOB`: one run now; exit 0 when it completed, even
// if it dead-lettered items. SIGTERM or SIGINT stops it as it stops the
// daemon: the run finishes or checkpoints the page in hand within
// SHUTDOWN_GRACE.
func cmdOnce(ctx context.Context, job string, stdout, stderr io.Writer, env map[string]string) int {
	app, log, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	if !app.HasJob(job) {
		log.Error().Str("job", job).Msg("unknown job")
		return exitUsage
	}
	report := runPreflight(ctx, app, log, job)
	if reason, off := report.Disabled[job]; off {
		log.Error().Str("job", job).Str("reason", reason).Msg("job cannot run: its configuration does not resolve")
		return exitFailed
	}
	if err := app.Enable(nil); err != nil {
		log.Error().Err(err).Msg("cannot register jobs")
		return exitFailed
	}

	// The run gets its own context: a signal asks it to stop through the
	// scheduler (Run.Stopping), and cancels it only after the grace period.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	go func() {
		select {
		case <-ctx.Done():
			log.Info().Dur("grace", app.Config.ShutdownGrace).Msg("stopping: finishing the page in hand")
			graceCtx, cancel := context.WithTimeout(context.Background(), app.Config.ShutdownGrace)
			defer cancel()
			_ = app.Scheduler.Stop(graceCtx)
		case <-runCtx.Done():
		}
	}()
	if err := runOnceWaitingForLease(runCtx, app, log, job); err != nil {
		log.Error().Err(err).Str("job", job).Msg("run did not complete")
		return exitFailed
	}
	return exitOK
}

// runOnceWaitingForLease runs job once. When another runner holds the job's
// lease, which is what a run killed without a chance to release it leaves
// behind, it waits for the lease to expire (LEASE_TTL, plus a margin) rather
// than fail at once.
func runOnceWaitingForLease(ctx context.Context, app *daemon.App, log zerolog.Logger, job string) error {
	deadline := time.Now().Add(app.Config.LeaseTTL + 5*time.Second)
	for waited := false; ; waited = true {
		err := app.Scheduler.RunOnce(ctx, job)
		if !errors.Is(err, state.ErrLeaseHeld) || time.Now().After(deadline) {
			return err
		}
		if !waited {
			log.Info().Str("job", job).Dur("lease_ttl", app.Config.LeaseTTL).
				Msg("another runner holds the job's lease (or died holding it): waiting for it")
		}
		if err := retry.Sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}
