// Package linklistings is the link-listings job (DESIGN.md §2): ShipStation
// products are matched to Quipt inventory by SKU, the links are stored for
// the other jobs, and the run reports the linked, ShipStation-only and
// Quipt-only SKUs. It never writes to either upstream: listings are not
// synced or published.
package linklistings

import (
	"context"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
)

// DefaultMaxNamed is how many unlinked SKUs per side the run summary names
// when MaxNamed is not set.
const DefaultMaxNamed = 500

// LinkListings links ShipStation products to Quipt inventory by SKU
// (DESIGN.md §2, link-listings).
type LinkListings struct {
	Env *jobs.Env
	// MaxNamed is how many unlinked SKUs per side the run summary names
	// (shipstation_only_skus, quipt_only_skus; the number left off goes in
	// shipstation_only_skus_more, quipt_only_skus_more); zero or less means
	// DefaultMaxNamed.
	MaxNamed int
}

// Run reads both catalogues whole, reports what links and what does not (on
// the run summary line: the counts, and the unlinked SKUs by name, sorted),
// and brings the stored links up to date with one fenced write for the links that
// are new or changed and one for those that disappeared.
func (j *LinkListings) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, j.run)
}

func (j *LinkListings) run(ctx context.Context, run *jobs.Run) error {
	sum := run.Sum
	ss, complete, err := j.readShipStation(ctx, run)
	if err != nil || !complete {
		return err
	}
	q, complete, err := j.readQuipt(ctx, run)
	if err != nil || !complete {
		return err
	}
	sum.Seen = ss.seen + q.seen
	sum.Skipped = ss.skipped + q.skipped

	ssOnly, qOnly := ss.only(q), q.only(ss)
	linked := len(ss.bySKU) - len(ssOnly)
	sum.Add("linked", linked)
	sum.Add("shipstation_only", len(ssOnly))
	sum.Add("quipt_only", len(qOnly))
	sum.List("shipstation_only_skus", ss.names(ssOnly), j.maxNamed())
	sum.List("quipt_only_skus", q.names(qOnly), j.maxNamed())
	j.warnDuplicates(run.Log, sum, "shipstation", ss)
	j.warnDuplicates(run.Log, sum, "quipt", q)

	if m := j.Env.Metrics; m != nil {
		m.Listings(linked, len(ssOnly), len(qOnly))
	}
	return j.store(ctx, run, ss, q)
}

func (j *LinkListings) maxNamed() int {
	if j.MaxNamed <= 0 {
		return DefaultMaxNamed
	}
	return j.MaxNamed
}

// readShipStation reads every active ShipStation product. complete is false
// when shutdown began before the last page: a run that has not read both
// catalogues whole neither reports nor stores anything.
func (j *LinkListings) readShipStation(ctx context.Context, run *jobs.Run) (*catalogue, bool, error) {
	c := newCatalogue(lessNumeric)
	pages := j.Env.ShipStation.Products.Pages(ctx, shipstation.ProductListOptions{PageSize: shipstation.MaxPageSize})
	complete, err := jobs.EachPage(ctx, run, pages, "list ShipStation products", func(_ context.Context, page *shipstation.Page[shipstation.Product]) error {
		for _, bad := range page.Invalid {
			id := ""
			if bad.ID != 0 {
				id = strconv.FormatInt(bad.ID, 10)
			}
			c.invalid(id)
			warnInvalid(run.Log, "shipstation", id, page.Page, bad.Index, bad.Err)
		}
		for _, p := range page.Items {
			id := strconv.FormatInt(p.ProductID, 10)
			if !c.add(record{id: id, sku: p.SKU}) {
				warnInvalid(run.Log, "shipstation", id, page.Page, -1, errNoSKU)
			}
		}
		return nil
	})
	return c, complete, err
}

// readQuipt reads every Quipt inventory record. complete is false when
// shutdown began before the last page.
func (j *LinkListings) readQuipt(ctx context.Context, run *jobs.Run) (*catalogue, bool, error) {
	c := newCatalogue(func(a, b string) bool { return a < b })
	complete, err := jobs.EachPage(ctx, run, j.Env.Quipt.Inventory.List(ctx), "list Quipt inventory", func(_ context.Context, page *quipt.Page[quipt.InventoryItem]) error {
		for _, bad := range page.Invalid {
			c.invalid(bad.ID)
			warnInvalid(run.Log, "quipt", bad.ID, page.PageNumber, bad.Index, bad.Err)
		}
		for _, it := range page.Items {
			if !c.add(record{id: it.ID, sku: it.SKU}) {
				warnInvalid(run.Log, "quipt", it.ID, page.PageNumber, -1, errNoSKU)
			}
		}
		return nil
	})
	return c, complete, err
}

// lessNumeric orders decimal ids by value.
func lessNumeric(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// warnInvalid logs a record that was skipped because it could not be read or
// has no SKU. index is the record's position in its page, -1 when not known.
func warnInvalid(log zerolog.Logger, side, id string, page, index int, err error) {
	ev := log.Warn().Str("event", "listing_skipped").Str("side", side).Str("item_id", id).Int("page", page)
	if index >= 0 {
		ev = ev.Int("index", index)
	}
	ev.Err(err).Msg("listing skipped: it cannot be linked")
}

// warnDuplicates logs, once per side, the SKUs listed more than once there;
// each counts once in the report.
func (j *LinkListings) warnDuplicates(log zerolog.Logger, sum *jobs.Summary, side string, c *catalogue) {
	dups := c.duplicateSKUs()
	if len(dups) == 0 {
		return
	}
	sum.Add("duplicate_skus", len(dups))
	names := c.names(dups)
	log.Warn().Str("event", "duplicate_skus").Str("side", side).Int("count", len(dups)).
		Strs("skus", names[:min(len(names), j.maxNamed())]).
		Msg("SKUs listed more than once; each is counted and linked once")
}
