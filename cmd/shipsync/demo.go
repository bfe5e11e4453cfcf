package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/demo"
	"github.com/shipsync/shipsync/jobs"
)

// demoTimeout bounds the whole demo: every job must have run by then.
const demoTimeout = 2 * time.Minute

// demoSchedule is every job's schedule in the demo.
const demoSchedule = "@every 2s"

// demoRateWindow is the ShipStation rate window of the demo: the budget of
// SHIPSTATION_RATE_LIMIT requests, spread across it as in production, is
// renewed every few seconds instead of every minute, as the schedules are.
const demoRateWindow = 5 * time.Second

// cmdDemo runs the real daemon (preflight, scheduler, HTTP endpoints, every
// job) against built-in ShipStation and Quipt sandboxes and an embedded Redis,
// waits until every job has completed a run, shuts down as on SIGTERM, and
// reports what moved. LOG_FORMAT and LOG_LEVEL are honoured (console and info
// by default); nothing else is read from the environment.
func cmdDemo(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	schedule, err := config.ParseSchedule(demoSchedule)
	if err != nil {
		io.WriteString(stderr, "shipsync demo: "+err.Error()+"\n")
		return exitFailed
	}
	world, err := demo.Start(time.Now())
	if err != nil {
		io.WriteString(stderr, "shipsync demo: "+err.Error()+"\n")
		return exitFailed
	}
	defer world.Close()
	environ := world.Environ(orDefault(env["LOG_FORMAT"], "console"), orDefault(env["LOG_LEVEL"], "info"))
	environ["NO_COLOR"] = env["NO_COLOR"]
	app, log, ok := setup(stdout, stderr, environ, daemon.Options{Schedule: &schedule, RateWindow: demoRateWindow})
	if !ok {
		return exitUsage // LOG_FORMAT or LOG_LEVEL, the only variables demo reads
	}
	defer app.Close()
	reconcileByHand(app)

	runCtx, stop := context.WithTimeout(ctx, demoTimeout)
	defer stop()
	if err := app.Start(runCtx); err != nil {
		log.Error().Err(err).Msg("demo: the daemon did not start")
		return exitFailed
	}
	simulated := make(chan struct{})
	go func() {
		defer close(simulated)
		world.Simulate(runCtx)
	}()
	waitErr := waitForEveryJob(runCtx, app, world.Settled)
	stop() // as SIGTERM would: no new runs, drain, exit
	<-simulated
	if err := app.Stop(context.Background()); err != nil {
		log.Error().Err(err).Msg("demo: the daemon stopped with an error")
		return exitFailed
	}
	if waitErr != nil {
		log.Error().Err(waitErr).Msg("demo: not every job completed a run")
		return exitFailed
	}
	for _, l := range world.Report() {
		log.Info().Str("event", "demo_report").Str("job", l.Job).Msg(l.Text)
	}
	var linked []string
	for kv, err := range app.Store.AllRecords(context.Background(), jobs.NSListings) {
		if err != nil {
			break
		}
		linked = append(linked, kv[0])
	}
	slices.Sort(linked)
	log.Info().Str("event", "demo_report").Str("job", jobs.NameLinkListings).
		Msg(fmt.Sprintf("%d SKUs linked between ShipStation products and Quipt inventory: %s (the run summary names the unlinked ones)", len(linked), strings.Join(linked, ", ")))
	if dls, err := app.Store.DeadLetters(context.Background(), ""); err == nil {
		for _, d := range dls {
			log.Info().Str("event", "demo_report").Str("job", d.Job).Msg(fmt.Sprintf("  dead letter %s: %s", d.ID, d.Reason))
		}
	}
	if err := demoReconcile(ctx, world, environ, stdout, stderr, log); err != nil {
		log.Error().Err(err).Msg("demo: reconcile did not end with zero drift")
		return exitFailed
	}
	log.Info().Str("event", "demo_done").Msg("demo finished: every job ran against the sandboxes")
	return exitOK
}

// waitForEveryJob returns once every scheduled job has a successful run on
// record (those off are run by hand) and settled reports that the sandboxes agree, or when ctx ends.
func waitForEveryJob(ctx context.Context, app *daemon.App, settled func() bool) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		pending := 0
		for _, j := range app.Jobs {
			if j.Schedule.Off {
				continue
			}
			if _, ok, err := app.Store.LastSuccess(ctx, j.Name); err != nil || !ok {
				pending++
			}
		}
		if pending == 0 && settled() {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("timed out waiting for every job to run")
		case <-tick.C:
		}
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
