package linklistings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/shipsync/shipsync/jobs"
)

// errNoSKU is why a listing without a SKU is skipped.
var errNoSKU = errors.New("no SKU")

// link is the value stored, as JSON, under jobs.NSListings for a normalised
// SKU found on both sides: {"ss_product_id": 123, "quipt_inventory_id": "…",
// "sku": "…"}.
type link struct {
	ShipStationProductID json.Number `json:"ss_product_id"`
	QuiptInventoryID     string      `json:"quipt_inventory_id"`
	// SKU is the SKU as ShipStation spells it.
	SKU string `json:"sku"`
}

// links returns the stored form of every link: normalised SKU → link JSON.
func links(ss, q *catalogue) map[string]string {
	out := map[string]string{}
	for key, p := range ss.bySKU {
		inv, ok := q.bySKU[key]
		if !ok {
			continue
		}
		out[key] = encode(link{ShipStationProductID: json.Number(p.id), QuiptInventoryID: inv.id, SKU: p.sku})
	}
	return out
}

func encode(l link) string {
	b, err := json.Marshal(l)
	if err != nil {
		// A Link holds only strings and a decimal number: it always encodes.
		panic(fmt.Sprintf("encode listing link: %v", err))
	}
	return string(b)
}

// store writes the links that are new or changed and deletes those that
// disappeared, reading the stored ones once to compare. A stored link to a
// listing that came back malformed this run is kept as it is. A dry run only
// logs what it would write.
func (j *LinkListings) store(ctx context.Context, run *jobs.Run, ss, q *catalogue) error {
	sum := run.Sum
	want := links(ss, q)
	have := map[string]string{}
	for kv, err := range j.Env.Store.AllRecords(ctx, jobs.NSListings) {
		if err != nil {
			return fmt.Errorf("read stored listing links: %w", err)
		}
		have[kv[0]] = kv[1]
	}

	put := map[string]string{}
	for key, v := range want {
		old, ok := have[key]
		switch {
		case !ok:
			sum.Created++
		case old != v:
			sum.Updated++
		default:
			continue
		}
		put[key] = v
		j.logChange(run, "link_stored", key, v)
	}
	var del []string
	for key, v := range have {
		if _, ok := want[key]; ok || protected(v, ss, q) {
			continue
		}
		del = append(del, key)
		j.logChange(run, "link_deleted", key, v)
	}
	slices.Sort(del)
	sum.Add("links_deleted", len(del))

	if j.Env.DryRun {
		return nil
	}
	if err := j.Env.Store.PutRecords(ctx, run.Lease, jobs.NSListings, put); err != nil {
		return fmt.Errorf("store %d listing links: %w", len(put), err)
	}
	if err := j.Env.Store.DeleteRecords(ctx, run.Lease, jobs.NSListings, del); err != nil {
		return fmt.Errorf("delete %d listing links: %w", len(del), err)
	}
	return nil
}

// protected reports whether a stored link points at a listing that could not
// be read this run, on either side: it may still exist, so it stays.
func protected(stored string, ss, q *catalogue) bool {
	var l link
	if json.Unmarshal([]byte(stored), &l) != nil {
		return false
	}
	return ss.invalidIDs[string(l.ShipStationProductID)] || q.invalidIDs[l.QuiptInventoryID]
}

// logChange logs one link decision; in a dry run the event is would_<event>.
func (j *LinkListings) logChange(run *jobs.Run, event, key, value string) {
	ev := run.Log.Info()
	if j.Env.DryRun {
		event = "would_" + event
		ev = ev.Bool("dry_run", true)
	}
	ev.Str("event", event).Str("sku_key", key).Str("link", value).Msg("listing link")
}
