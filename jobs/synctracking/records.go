package synctracking

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// Prefixes of the Quipt ExternalShipmentId of a package (docs/quipt-api.md),
// which is also its key in jobs.NSPackages and its dead-letter ID.
const (
	LabelKeyPrefix       = "shipstation:"
	FulfillmentKeyPrefix = "shipstation-fulfillment:"
)

// MarkKeyPrefix starts the dead-letter ID of a ShipStation order that could
// not be marked shipped (markasshipped:<orderId>).
const MarkKeyPrefix = "markasshipped:"

// Values of jobs.NSPackages records: what was applied for a package.
const (
	// packageShipped: the Quipt shipment exists (and was live when recorded).
	packageShipped = "shipped"
	// packageVoided: the package is voided in Quipt, or was voided in
	// ShipStation before it was ever applied. Final.
	packageVoided = "voided"
	// PackageNothingToShip: a fulfillment found every line of the Quipt order
	// shipped already, so no Quipt shipment was made for it.
	PackageNothingToShip = "nothing-to-ship"
)

// pkg identifies one package in logs, dead letters and records.
type pkg struct {
	ext     string // Quipt ExternalShipmentId
	orderID string // Quipt order Id
	voided  bool   // voided in ShipStation
	// voidedAt is when ShipStation voided it (zero when not voided).
	voidedAt time.Time
	// accepted is true when the Quipt order is recorded accepted
	// (jobs.NSAccepted; Apply sets it from the look-up); ship accepts it
	// first otherwise.
	accepted bool
	fields   map[string]any
	log      zerolog.Logger
}

// newPkg identifies the package ext of Quipt order orderID; fields go on
// its log lines and dead letter.
func (r *runner) newPkg(ext, orderID string, voided bool, voidedAt time.Time, fields map[string]any) pkg {
	fields["external_shipment_id"] = ext
	fields["quipt_order_id"] = orderID
	return pkg{ext: ext, orderID: orderID, voided: voided, voidedAt: voidedAt, fields: fields, log: r.run.Log.With().Fields(fields).Logger()}
}

// settle sorts out the error of one remote call for an item: nil means it
// took effect; a permanent failure dead-letters the item (id) with the
// server's message and lets the run go on (ok false, err nil); any other
// failure is returned to stop the run.
func settle(ctx context.Context, eff *jobs.Effects, id, what string, err error, fields map[string]any) (ok bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case quipt.IsPermanent(err) || shipstation.IsPermanent(err):
		return false, eff.DeadLetter(ctx, id, what+": "+err.Error(), fields)
	default:
		return false, fmt.Errorf("%s (%s): %w", what, id, err)
	}
}
