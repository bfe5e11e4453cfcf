package jobs

import (
	"context"

	"github.com/shipsync/shipsync/connector/shipstation"
)

// PageHandler is what a job supplies to a Pipeline: its decisions and its
// effects for the items of a page, of type T, which it turns into
// candidates of type C (the item with what the job derived from it; a
// pointer when Apply leaves results on it for the job to collect).
type PageHandler[T, C any] interface {
	// Pick decides, before any Redis read, whether item is a candidate: it
	// returns the candidate and its Key, or the Summary.Skip reason under
	// which the item is skipped (the candidate and key are then ignored).
	Pick(item T) (c C, key Key, skip string)
	// Settled returns, from what the look-up found, the Skip reason of a
	// candidate that needs nothing and is skipped before its dead letter is
	// considered, or "" to go on. It may log; it must not write.
	Settled(c C, known *Known) (skip string)
	// Apply decides and makes the effects of one candidate that is neither
	// settled nor parked, counting them in eff and noting its records there.
	// It dead-letters a candidate that fails for good (eff.DeadLetter) and
	// returns nil; an error stops the page (see Apply).
	Apply(ctx context.Context, c C, known *Known, eff *Effects) error
}

// Pipeline handles pages of items of type T the same way for every job:
// dead-letter the page's invalid items → pick the candidates (Pick) → one
// pipelined look-up of their records in Namespaces and of their dead
// letters → per candidate: skip the settled (Settled), skip the parked,
// apply the rest (Apply, Concurrency at a time) → one fenced write of the
// records the page noted, also when the page stopped early.
type Pipeline[T, C any] struct {
	Handler PageHandler[T, C]
	// Namespaces are the record namespaces the look-up reads for each
	// candidate's Key.ID.
	Namespaces []string
	// Related are the record namespaces the look-up reads, in the same round
	// trip, for each candidate's Key.Related (push-orders' record of a
	// package's Quipt order, say).
	Related []string
	// Concurrency bounds the candidates applied at once; below 1 means 1
	// (one after the other, in page order).
	Concurrency int
	// Serial, when not nil, returns the key of the object whose effects
	// must stay in order (a Quipt order, for its packages): candidates with
	// the same Serial key are applied one after the other, in page order.
	// Nil means the candidate's record Key.ID.
	Serial func(C) string
}

// Process runs the pipeline over one page: items that decoded and invalid,
// those that did not. It counts every item as seen and returns, in page
// order, the candidates Apply handled without error, for the job to collect
// what Apply left on them.
func (p Pipeline[T, C]) Process(ctx context.Context, run *Run, items []T, invalid []Invalid) ([]C, error) {
	if err := run.DeadLetterInvalid(ctx, invalid); err != nil {
		return nil, err
	}
	var cands []C
	var keys []Key
	for _, it := range items {
		run.Sum.Seen++
		c, key, skip := p.Handler.Pick(it)
		if skip != "" {
			run.Sum.Skip(skip)
			continue
		}
		cands, keys = append(cands, c), append(keys, key)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	known, err := run.Lookup(ctx, keys, p.Namespaces, p.Related)
	if err != nil {
		return nil, err
	}
	index := make([]int, len(cands))
	applied := make([]bool, len(cands))
	for i := range index {
		index[i] = i
	}
	serial := func(i int) string { return keys[i].ID }
	if p.Serial != nil {
		serial = func(i int) string { return p.Serial(cands[i]) }
	}
	recs, err := Apply(ctx, run, index, serial, p.Concurrency,
		func(ctx context.Context, i int, eff *Effects) error {
			ok, err := p.one(ctx, cands[i], keys[i], known, eff)
			known.note(eff.records)
			applied[i] = ok
			return err
		})
	if err = run.Record(ctx, recs, err); err != nil {
		return nil, err
	}
	var out []C
	for i, c := range cands {
		if applied[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

// one takes one candidate through the pipeline's per-item steps and reports
// whether Apply handled it without error.
func (p Pipeline[T, C]) one(ctx context.Context, c C, key Key, known *Known, eff *Effects) (bool, error) {
	if skip := p.Handler.Settled(c, known); skip != "" {
		eff.Skip(skip)
		return false, nil
	}
	if known.Parked(key.park()) {
		eff.Skip("skipped_parked")
		return false, nil
	}
	if err := p.Handler.Apply(ctx, c, known, eff); err != nil {
		return false, err
	}
	return true, nil
}

// ShipStationPage returns a CursorPass.Page that processes a ShipStation
// page whose malformed items are of the given kind (KindShipStation...).
func (p Pipeline[T, C]) ShipStationPage(run *Run, kind string) func(context.Context, *shipstation.Page[T]) error {
	return func(ctx context.Context, page *shipstation.Page[T]) error {
		_, err := p.Process(ctx, run, page.Items, InvalidShipStation(kind, page.Page, page.Invalid))
		return err
	}
}
