package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/demo"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// reconcileByHand takes reconcile off the demo's schedule: the demo runs it
// by hand once the daemon has stopped (demoReconcile).
func reconcileByHand(app *daemon.App) {
	for i := range app.Jobs {
		if app.Jobs[i].Name == reconcile.Name {
			app.Jobs[i].Schedule = config.Schedule{Off: true}
		}
	}
}

// demoReconcile closes the demo, once the daemon has stopped: it makes a
// divergence on purpose (an order created in ShipStation while get-orders was
// off), runs `shipsync reconcile`, which must find and repair it through
// get-orders, then runs it again, which must report zero drift.
func demoReconcile(ctx context.Context, world *demo.World, environ map[string]string, stdout, stderr io.Writer, log zerolog.Logger) error {
	missed := world.MissAnImport(time.Now())
	log.Info().Str("event", "demo_report").Str("job", reconcile.Name).Int64("ss_order_id", missed).
		Msg(fmt.Sprintf("order %d was created in ShipStation while get-orders was off; reconcile must find it", missed))
	first, err := demoReconcileOnce(ctx, environ, stdout, stderr, log)
	if err != nil {
		return err
	}
	if !hasItem(first.Repaired, reconcile.KindMissingImport, fmt.Sprint(missed)) {
		return fmt.Errorf("reconcile did not repair the missed import %d", missed)
	}
	last, err := demoReconcileOnce(ctx, environ, stdout, stderr, log)
	if err != nil {
		return err
	}
	if last.Drift() != 0 || len(last.Found.Drift()) != 0 {
		return fmt.Errorf("the closing reconcile reports %d divergences", len(last.Found.Drift()))
	}
	return nil
}

// demoReconcileOnce runs one reconcile, as `shipsync reconcile` would, and
// reports it in demo_report lines.
func demoReconcileOnce(ctx context.Context, environ map[string]string, stdout, stderr io.Writer, log zerolog.Logger) (*reconcile.Report, error) {
	app, _, ok := setup(stdout, stderr, environ, daemon.Options{RateWindow: demoRateWindow})
	if !ok {
		return nil, errors.New("reconcile: cannot set up")
	}
	defer app.Close()
	rep, err := app.Reconcile(ctx, daemon.ReconcileOptions{})
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	var found []string
	for _, it := range rep.Found.Drift() {
		found = append(found, it.Kind+" "+it.ID)
	}
	log.Info().Str("event", "demo_report").Str("job", reconcile.Name).
		Msg(fmt.Sprintf("reconcile: %d found (%s), %d repaired, %d left, %d parked (dead-lettered or dropped, not drift)",
			len(found), strings.Join(found, ", "), len(rep.Repaired), rep.Drift(), len(rep.Parked)))
	return rep, nil
}

// hasItem reports whether items hold the divergence kind/id.
func hasItem(items reconcile.Items, kind, id string) bool {
	for _, it := range items {
		if it.Kind == kind && it.ID == id {
			return true
		}
	}
	return false
}
