package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
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
	log := newLogger(stdout, cfg.LogFormat == config.LogConsole, colourful(stdout, env), cfg.LogLevel)
	captureLibraryLogs(log)
	build := readBuildVersion()
	opts.Version, opts.Revision = build.Version, build.Revision
	app, err := daemon.New(cfg, log, opts)
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return nil, log, false
	}
	return app, log, true
}

// cmdRun is the daemon: it runs until SIGTERM or SIGINT, then drains within
// SHUTDOWN_GRACE.
func cmdRun(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	app, log, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	err := app.Start(ctx)
	if err != nil && ctx.Err() != nil {
		// Stopped by a signal before it took work (waiting for Redis, say):
		// nothing was in hand, so nothing failed.
		log.Info().AnErr("start_error", err).Msg("shipsync stopped before it took work")
		return exitOK
	}
	if err == nil {
		err = untilSignal(ctx, app)
	}
	if err != nil {
		log.Error().Err(err).Msg("shipsync stopped with an error")
		return exitFailed
	}
	return exitOK
}

// untilSignal lets the started daemon run until ctx ends (a signal) or it
// stops by itself, then stops it.
func untilSignal(ctx context.Context, app *daemon.App) error {
	select {
	case <-ctx.Done():
	case <-app.Stopped():
	}
	return app.Stop(context.Background())
}

// cmdCheck is `shipsync check`: Redis and the preflight; exit 1 when any
// line is invalid. A person gets a table (forPerson) on stdout, with the
// logs on stderr; a machine one JSON line per item and the verdict.
func cmdCheck(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	app, _, ok := setup(logOutput(stdout, stderr, env), stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	var res *daemon.CheckResult
	if forPerson(stdout, env) {
		res = app.CheckAll(ctx)
		writeCheckTable(stdout, res, colourful(stdout, env))
	} else {
		res = app.Check(ctx)
	}
	if !res.OK {
		return exitFailed
	}
	return exitOK
}

// cmdOnce is `shipsync once JOB`: one run now; exit 0 when it completed, even
// if it dead-lettered items. SIGTERM or SIGINT stops it as it stops the
// daemon: the run finishes or checkpoints the page in hand within
// SHUTDOWN_GRACE, and the exit is 1, since the run did not complete.
func cmdOnce(ctx context.Context, job string, stdout, stderr io.Writer, env map[string]string) int {
	app, _, ok := setup(stdout, stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	switch err := app.Once(ctx, job); {
	case errors.Is(err, daemon.ErrUnknownJob):
		return exitUsage
	case err != nil:
		return exitFailed
	}
	return exitOK
}
