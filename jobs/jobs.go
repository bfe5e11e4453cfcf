// Package jobs holds what shipsync's five sync jobs share: their names, the
// record namespaces through which they hand links to each other, the Env of
// dependencies, dead-lettering, and the generic page pass that owns a run's
// fetching and bookkeeping: the run and its summary (Execute, Run, Summary),
// page loops and cursor windows (EachPage, CursorPass), the page pipeline
// (Pipeline over a job's PageHandler) and its apply stage (Apply). Each job
// lives in its own subpackage (getorders, pushorders, synctracking,
// synccancels, linklistings) as a struct with a Run method the scheduler
// calls once per run, and supplies only its decisions and effects; a run
// reads both systems, applies every effect once (guarded by records in Redis
// and by the idempotency keys of the remote writes) and ends with one summary
// line.
package jobs

import (
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/metrics"
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
	// NSAssigned maps a ShipStation orderId to the user get-orders assigned it
	// to, or, while an assignuser is being sent or its outcome is unknown, to
	// its intent "pending:<user id>|at=<attempt ms>" (an Intent).
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
	// sync-tracking marked it shipped with, or, until the outcome is known,
	// to its intent "pending:<tracking number>[|at=<attempt ms>]" (an Intent).
	NSMarkedShipped = "ss-marked-shipped"
	// NSCancelled maps a Quipt order Id to the cancel sync-cancels applied.
	NSCancelled = "cancelled"
	// NSListings maps a normalised SKU to the link link-listings found.
	NSListings = "listings"
	// NSPushUncertain maps a Quipt order Id to the time (Unix ms) from which
	// push-orders reads the order back at every run, until WRITE_SETTLE has
	// passed, and sends it again when ShipStation holds another version than
	// the latest sent: the time of a createorders whose outcome was
	// uncertain, or of reconcile's repair of a stale_push.
	NSPushUncertain = "push-uncertain"
	// NSAccepted maps a Quipt fulfillment order Id to Accepted once the
	// order was accepted in Quipt: by push-orders after createorders, or by
	// sync-tracking before a package when push-orders had not. A flag of its
	// own, so that sync-tracking reads a few bytes per package instead of
	// push-orders' whole record.
	NSAccepted = "accepted"
	// NSRecovered maps a job to the time (Unix ms) it made sure its records
	// cover what upstream holds. Redis that lost its data lost the mark with
	// the records, so a job that finds no mark rebuilds what it needs from
	// upstream first: push-orders records the open orders ShipStation holds
	// under its orderKeys (pushorders.recoverRecords).
	NSRecovered = "recovered"
)

// Accepted is the value of an NSAccepted record.
const Accepted = "1"

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
	// ProgressAfter is how long a run goes before it logs a progress line
	// per page; 0 means DefaultProgressAfter.
	ProgressAfter time.Duration
	// USPSCode is the ShipStation carrier code of the account's USPS
	// connection (stamps_com or usps), found by the preflight.
	USPSCode string
	// RateWindow is the ShipStation rate budget's window; zero means a
	// minute (the demo and tests shorten it).
	RateWindow time.Duration
	// WriteSettle (WRITE_SETTLE, DESIGN.md §2.2) is how long a write without
	// an idempotency key whose outcome is unknown is left alone after its
	// last attempt; zero means DefaultWriteSettle.
	WriteSettle time.Duration
}

// DefaultWriteSettle is Env.WriteSettle's default, WRITE_SETTLE's.
const DefaultWriteSettle = 10 * time.Minute

// Settle returns WriteSettle, or DefaultWriteSettle when it is zero.
func (e *Env) Settle() time.Duration {
	if e.WriteSettle > 0 {
		return e.WriteSettle
	}
	return DefaultWriteSettle
}

// QuiptConcurrency is how many items a job applies at once when each makes
// Quipt writes: the Quipt client's bound on requests in flight
// (QUIPT_CONCURRENCY), which holds whatever the jobs do.
func (e *Env) QuiptConcurrency() int {
	if e.Quipt == nil {
		return 1
	}
	return e.Quipt.Concurrency()
}

// Clock returns the current time.
func (e *Env) Clock() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
