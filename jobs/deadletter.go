package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

// Kinds of list items: the first part of the dead-letter id of a malformed
// one (InvalidItemID).
const (
	KindShipStationOrder       = "shipstation-order"
	KindShipStationShipment    = "shipstation-shipment"
	KindShipStationFulfillment = "shipstation-fulfillment"
	KindQuiptOrder             = "quipt-order"
	KindQuiptPurchaseOrder     = "quipt-purchase-order"
)

// InvalidItemID names a malformed list item of the given kind in the
// dead-letter list, the same way in every job: <kind>:<id> when the item's id
// could be read; else <kind>:sha256-<16 hex digits>, from the item as
// received, so that the name does not change when the list shifts; else, when
// nothing was received, <kind>:page<page>-item<index>.
func InvalidItemID(kind, id string, raw []byte, page, index int) string {
	switch {
	case id != "":
		return kind + ":" + id
	case len(raw) > 0:
		sum := sha256.Sum256(raw)
		return kind + ":sha256-" + hex.EncodeToString(sum[:8])
	default:
		return fmt.Sprintf("%s:page%d-item%d", kind, page, index)
	}
}

// Invalid is a malformed list item to dead-letter.
type Invalid struct {
	// ID is the item's dead-letter id (InvalidItemID).
	ID     string
	Reason string
	// Fields go on the dead_letter log line.
	Fields map[string]any
}

// InvalidShipStation describes the malformed items of ShipStation list page
// page, items of the given kind, for DeadLetterInvalid.
func InvalidShipStation(kind string, page int, items []shipstation.InvalidItem) []Invalid {
	out := make([]Invalid, len(items))
	for i, bad := range items {
		id := ""
		if bad.ID != 0 {
			id = strconv.FormatInt(bad.ID, 10)
		}
		out[i] = newInvalid(kind, id, bad.Raw, page, bad.Index, bad.Err)
	}
	return out
}

// InvalidQuipt describes the malformed items of Quipt list page page, items
// of the given kind, for DeadLetterInvalid.
func InvalidQuipt(kind string, page int, items []quipt.InvalidItem) []Invalid {
	out := make([]Invalid, len(items))
	for i, bad := range items {
		out[i] = newInvalid(kind, bad.ID, bad.Raw, page, bad.Index, bad.Err)
	}
	return out
}

func newInvalid(kind, id string, raw []byte, page, index int, err error) Invalid {
	return Invalid{
		ID:     InvalidItemID(kind, id, raw, page, index),
		Reason: "malformed " + strings.ReplaceAll(kind, "-", " ") + ": " + err.Error(),
		Fields: map[string]any{"item_kind": kind, "page": page, "index": index},
	}
}

// DeadLetterInvalid counts a page's malformed items as seen and dead-letters
// each one that is not parked yet. One Redis round trip tells which are
// parked (dead-lettered by an earlier run, or dropped by an operator): those
// are counted as skipped and nothing is written for them, so a malformed item
// is dead-lettered once and then left alone until an operator acts.
func (e *Env) DeadLetterInvalid(ctx context.Context, run *scheduler.Run, sum *Summary, items []Invalid) error {
	if len(items) == 0 {
		return nil
	}
	sum.Seen += len(items)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	parked, err := e.Store.Parked(ctx, run.Job, ids)
	if err != nil {
		return fmt.Errorf("read dead letters of %d malformed items: %w", len(items), err)
	}
	for _, it := range items {
		if parked[it.ID] {
			skipParked(run, sum, it.ID)
			continue
		}
		// An item listed twice in one page (same id or same bytes) is
		// dead-lettered once.
		parked[it.ID] = true
		if err := e.park(ctx, run, sum, it.ID, it.Reason, it.Fields); err != nil {
			return err
		}
	}
	return nil
}

// DeadLetter parks one item with its reason, so the run goes on and the item is
// skipped until an operator retries it. An item parked already (dead-lettered,
// or dropped by an operator) is counted as skipped and nothing is written: a
// dead letter's attempts count runs that failed the item anew, never runs
// that found it parked. In a dry run it only logs.
func (e *Env) DeadLetter(ctx context.Context, run *scheduler.Run, sum *Summary, id, reason string, fields map[string]any) error {
	parked, err := e.Store.Parked(ctx, run.Job, []string{id})
	if err != nil {
		return fmt.Errorf("dead-letter %s: %w", id, err)
	}
	if parked[id] {
		skipParked(run, sum, id)
		return nil
	}
	return e.park(ctx, run, sum, id, reason, fields)
}

// park writes the dead letter of an item not parked yet.
func (e *Env) park(ctx context.Context, run *scheduler.Run, sum *Summary, id, reason string, fields map[string]any) error {
	sum.DeadLettered++
	ev := run.Log.Warn().Str("event", "dead_letter").Str("item_id", id).Str("reason", reason)
	if len(fields) > 0 {
		ev = ev.Fields(fields)
	}
	if e.DryRun {
		ev.Bool("dry_run", true).Msg("would dead-letter item")
		return nil
	}
	ev.Msg("dead-lettered item")
	err := e.Store.PutDeadLetter(ctx, run.Lease, state.DeadLetter{
		Job: run.Job, ID: id, Reason: reason, At: e.Clock(), Detail: detailJSON(fields),
	})
	if err != nil {
		return fmt.Errorf("dead-letter %s: %w", id, err)
	}
	return nil
}

// detailJSON is the dead letter's context (order number, ids), kept for
// `shipsync deadletters list`; "" when there is none. The fields hold ids and
// numbers only, never secrets.
func detailJSON(fields map[string]any) string {
	if len(fields) == 0 {
		return ""
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return ""
	}
	return string(b)
}

// skipParked counts an item skipped because it is parked.
func skipParked(run *scheduler.Run, sum *Summary, id string) {
	sum.Skip("skipped_parked")
	run.Log.Debug().Str("event", "skipped_parked").Str("item_id", id).Msg("item is parked: skipped until an operator retries it")
}
