// Package jobs holds what shipsync's five sync jobs share: their names, the
// record namespaces through which they hand links to each other, the Env of
// dependencies, the run summary and dead-lettering. Each job lives in its own
// subpackage (getorders, pushorders, synctracking, synccancels, linklistings)
// as a struct with a Run method the scheduler calls once per run; a run reads
// both systems, applies every effect once (guarded by records in Redis and by
// the idempotency keys of the remote writes) and ends with one summary line.
package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/metrics"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

// The job names, as used in schedules, leases, dead letters, logs and metrics.
const (
	NameGetOrders    = "get-orders"
	NamePushOrders   = "push-orders"
	NameSyncTracking = "sync-tracking"
	NameSyncCancels  = "sync-cancels"
	NameLinkListings = "link-listings"
)

// Record namespaces (state.Store records) the jobs write and read. Values are
// opaque strings owned by the job that writes them.
const (
	// NSImported maps a ShipStation orderId to the Id of the Quipt purchase
	// order get-orders created from it.
	NSImported = "ss-imported"
	// NSAssigned maps a ShipStation orderId to the user get-orders assigned it to.
	NSAssigned = "ss-assigned"
	// NSPushed maps a Quipt fulfillment order Id to push-orders' record of
	// what it last sent (content hash, Quipt version, ShipStation orderId,
	// whether the order was acknowledged in Quipt).
	NSPushed = "pushed"
	// NSShipStationOrder maps the ShipStation orderId of a pushed order to its
	// Quipt order Id (written by push-orders; /fulfillments carry no orderKey).
	NSShipStationOrder = "ss-order-quipt"
	// NSPackages maps a Quipt ExternalShipmentId (shipstation:<shipmentId> or
	// shipstation-fulfillment:<fulfillmentId>) to what sync-tracking applied.
	NSPackages = "packages"
	// NSMarkedShipped maps a ShipStation orderId to the tracking number
	// sync-tracking marked it shipped with.
	NSMarkedShipped = "ss-marked-shipped"
	// NSCancelled maps a Quipt order Id to the cancel sync-cancels applied.
	NSCancelled = "cancelled"
	// NSListings maps a normalised SKU to the link link-listings found.
	NSListings = "listings"
)

// PushedKeyPrefix starts the orderKey of every order push-orders sends to
// ShipStation (quipt:<Quipt order id>); get-orders never imports those back.
const PushedKeyPrefix = "quipt:"

// PartnerRefPrefix starts the PartnerReference of every Quipt purchase order
// get-orders creates (shipstation:<orderId>); push-orders never pushes those.
const PartnerRefPrefix = "shipstation:"

// Env is what every job needs: both connectors, the state store, metrics and
// the clock.
type Env struct {
	ShipStation *shipstation.Client
	Quipt       *quipt.Client
	Store       *state.Store
	// Metrics may be nil (tests, one-off commands).
	Metrics *metrics.Metrics
	// DryRun makes jobs read everything and write nothing: no remote write and
	// no state write that would change what the next real run does.
	DryRun bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// USPSCode is the ShipStation carrier code of the account's USPS
	// connection (stamps_com or usps), found by the preflight.
	USPSCode string
}

// Clock returns the current time.
func (e *Env) Clock() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Summary counts what one run did. Every job reports the common counters; a
// job adds its own under Extra.
type Summary struct {
	Seen         int
	Created      int
	Updated      int
	Skipped      int
	DeadLettered int
	// Extra holds job-specific counters (assigned, voided, linked, ...).
	Extra map[string]int
	// Lists holds job-specific lists of names (the unlinked SKUs, ...) for
	// the summary line only; they feed no metric.
	Lists map[string]List
}

// List is a list of names on the summary line: the first names, and how
// many more were left off.
type List struct {
	Names []string
	More  int
}

// List sets the list called name to the first limit of names (all of them
// when limit ≤ 0). Execute logs it as a JSON array under name and, when names
// were left off, their number under name + "_more".
func (s *Summary) List(name string, names []string, limit int) {
	if s.Lists == nil {
		s.Lists = map[string]List{}
	}
	if limit <= 0 || limit > len(names) {
		limit = len(names)
	}
	s.Lists[name] = List{Names: append([]string{}, names[:limit]...), More: len(names) - limit}
}

// Add increments a job-specific counter.
func (s *Summary) Add(name string, n int) {
	if s.Extra == nil {
		s.Extra = map[string]int{}
	}
	s.Extra[name] += n
}

// Execute runs body with a per-run request counter on the context, then logs
// the run's single summary line and feeds the item metrics.
//
// While the circuit breaker of ShipStation or Quipt is open (DESIGN.md §6),
// body does not run: every job needs both upstreams, so the run is skipped
// with one run_skipped warning and an error wrapping that connector's
// ErrBreakerOpen, and the run is not counted a success.
func (e *Env) Execute(ctx context.Context, run *scheduler.Run, body func(ctx context.Context, sum *Summary) error) error {
	if err := e.upstreamDown(run); err != nil {
		return err
	}
	var counter calls.Counter
	ctx = calls.WithCounter(ctx, &counter)
	start := time.Now()
	var sum Summary
	err := body(ctx, &sum)

	ev := run.Log.Info()
	if err != nil {
		ev = run.Log.Error().Err(err)
	}
	ev = ev.Str("event", "run_summary").
		Bool("dry_run", e.DryRun).
		Int("seen", sum.Seen).
		Int("created", sum.Created).
		Int("updated", sum.Updated).
		Int("skipped", sum.Skipped).
		Int("dead_lettered", sum.DeadLettered).
		Int64("shipstation_calls", counter.ShipStation()).
		Int64("quipt_calls", counter.Quipt()).
		Int64("duration_ms", time.Since(start).Milliseconds())
	for k, v := range sum.Extra {
		ev = ev.Int(k, v)
	}
	for k, l := range sum.Lists {
		ev = ev.Strs(k, l.Names)
		if l.More > 0 {
			ev = ev.Int(k+"_more", l.More)
		}
	}
	ev.Msg("run finished")

	if m := e.Metrics; m != nil {
		m.Items(run.Job, "seen", sum.Seen)
		m.Items(run.Job, "created", sum.Created)
		m.Items(run.Job, "updated", sum.Updated)
		m.Items(run.Job, "skipped", sum.Skipped)
		m.Items(run.Job, "dead_lettered", sum.DeadLettered)
		for k, v := range sum.Extra {
			m.Items(run.Job, k, v)
		}
	}
	return err
}

// breakerOpen is the state name BreakerState reports for an open breaker.
const breakerOpen = "open"

// upstreamDown returns, after logging it, why the run must be skipped: the
// circuit breaker of an upstream is open. It returns nil when both are
// closed or half-open (a half-open breaker lets a probe through).
func (e *Env) upstreamDown(run *scheduler.Run) error {
	var upstream string
	var cause error
	switch {
	case e.ShipStation != nil && e.ShipStation.BreakerState() == breakerOpen:
		upstream, cause = "shipstation", shipstation.ErrBreakerOpen
	case e.Quipt != nil && e.Quipt.BreakerState() == breakerOpen:
		upstream, cause = "quipt", quipt.ErrBreakerOpen
	default:
		return nil
	}
	run.Log.Warn().Str("event", "run_skipped").Str("upstream", upstream).Str("breaker", breakerOpen).
		Msg("circuit breaker open: run skipped")
	return fmt.Errorf("%s run skipped, %s unavailable: %w", run.Job, upstream, cause)
}
