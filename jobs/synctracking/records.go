package synctracking

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/state"
)

// Prefixes of the Quipt ExternalShipmentId of a package (docs/quipt-api.md),
// which is also its key in jobs.NSPackages and its dead-letter ID.
const (
	labelKeyPrefix       = "shipstation:"
	fulfillmentKeyPrefix = "shipstation-fulfillment:"
)

// markKeyPrefix starts the dead-letter ID of a ShipStation order that could
// not be marked shipped (markasshipped:<orderId>).
const markKeyPrefix = "markasshipped:"

// Values of jobs.NSPackages records: what was applied for a package.
const (
	// packageShipped: the Quipt shipment exists (and was live when recorded).
	packageShipped = "shipped"
	// packageVoided: the package is voided in Quipt, or was voided in
	// ShipStation before it was ever applied. Final.
	packageVoided = "voided"
	// packageNothingToShip: a fulfillment found every line of the Quipt order
	// shipped already, so no Quipt shipment was made for it.
	packageNothingToShip = "nothing-to-ship"
)

// pkg identifies one package in logs, dead letters and records.
type pkg struct {
	ext     string // Quipt ExternalShipmentId
	orderID string // Quipt order Id
	fields  map[string]any
	log     zerolog.Logger
}

func (r *runner) newPkg(ext, orderID string, fields map[string]any) pkg {
	fields["external_shipment_id"] = ext
	fields["quipt_order_id"] = orderID
	return pkg{ext: ext, orderID: orderID, fields: fields, log: r.run.Log.With().Fields(fields).Logger()}
}

// lookup reads, in one round trip, the records of ids in namespace ns and
// which items the job has parked: those of ids, or, when parkIDs is not nil,
// those of parkIDs (items whose dead-letter id is not their record id). In a
// dry run, what earlier pages of the run decided is laid over the records, so
// a dry run reports each effect once, as the real run would make it.
func (r *runner) lookup(ctx context.Context, ns string, ids, parkIDs []string) (records map[string]string, parked map[string]bool, _ error) {
	recs, parked, err := r.lookupAll(ctx, ids, parkIDs, ns)
	if err != nil {
		return nil, nil, err
	}
	return recs[ns], parked, nil
}

// lookupAll is lookup for the records of ids in each namespace of nss, still
// in one round trip.
func (r *runner) lookupAll(ctx context.Context, ids, parkIDs []string, nss ...string) (records map[string]map[string]string, parked map[string]bool, _ error) {
	var known *state.Lookup
	var err error
	if parkIDs == nil {
		known, err = r.Env.Store.Lookup(ctx, r.run.Job, ids, nss...)
	} else {
		known, err = r.Env.Store.LookupWithParkIDs(ctx, r.run.Job, ids, parkIDs, nss...)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s records and dead letters: %w", strings.Join(nss, ", "), err)
	}
	for _, ns := range nss {
		rec := known.Records[ns]
		for _, id := range ids {
			if v, ok := r.decided[ns][id]; ok {
				rec[id] = v
			}
		}
	}
	return known.Records, known.Parked, nil
}

// record stores kv in namespace ns with one fenced write and returns err, the
// error that ended the page early if any, joined with a failure to record.
// What a page applied is recorded even when the page stopped half-way. A dry
// run keeps kv in memory only.
func (r *runner) record(ctx context.Context, ns string, kv map[string]string, err error) error {
	if len(kv) == 0 {
		return err
	}
	if r.Env.DryRun {
		if r.decided[ns] == nil {
			r.decided[ns] = map[string]string{}
		}
		maps.Copy(r.decided[ns], kv)
		return err
	}
	if perr := r.Env.Store.PutRecords(ctx, r.run.Lease, ns, kv); perr != nil {
		return errors.Join(err, fmt.Errorf("record %d entries in %s: %w", len(kv), ns, perr))
	}
	return err
}

// settle sorts out the error of one remote call for an item: nil means it
// took effect; a permanent failure dead-letters the item with the server's
// message and lets the run go on (ok false, err nil); any other failure is
// returned to stop the run.
func (r *runner) settle(ctx context.Context, id, what string, err error, fields map[string]any) (ok bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case quipt.IsPermanent(err) || shipstation.IsPermanent(err):
		return false, r.Env.DeadLetter(ctx, r.run, r.sum, id, what+": "+err.Error(), fields)
	default:
		return false, fmt.Errorf("%s (%s): %w", what, id, err)
	}
}
