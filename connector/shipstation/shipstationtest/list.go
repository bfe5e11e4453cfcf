package shipstationtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// listSpec says how to order and render a list of stored items.
type listSpec[T any] struct {
	id     func(*T) int64
	key    func(*T) time.Time // sortBy; nil orders by id
	desc   bool
	raws   []rawEntry
	render func(*T) any
}

// entry is one element of a list: a stored item or an injected raw value.
type entry[T any] struct {
	item *T
	raw  json.RawMessage
}

// listPage is one page of a list reply.
type listPage struct {
	items              []any
	total, page, pages int
}

// paginate sorts items (given in ascending id order) as the spec says, ties
// by id, comparing Pacific wall-clock values as ShipStation does; merges in
// the raw entries; and cuts out the requested page.
func paginate[T any](items []*T, spec listSpec[T], p paging, loc *time.Location) listPage {
	if spec.key != nil {
		slices.SortStableFunc(items, func(a, b *T) int {
			return wallClock(spec.key(a), loc).Compare(wallClock(spec.key(b), loc))
		})
	}
	if spec.desc {
		slices.Reverse(items)
	}
	all := mergeRaw(items, spec)

	lp := listPage{total: len(all), page: p.page, pages: (len(all) + p.size - 1) / p.size}
	from := min((p.page-1)*p.size, len(all))
	to := min(from+p.size, len(all))
	lp.items = make([]any, 0, to-from)
	for _, e := range all[from:to] {
		if e.item != nil {
			lp.items = append(lp.items, spec.render(e.item))
		} else {
			lp.items = append(lp.items, e.raw)
		}
	}
	return lp
}

// mergeRaw places the raw entries: in the default ascending-id order after
// the items with IDs up to their `after`, otherwise at the end.
func mergeRaw[T any](items []*T, spec listSpec[T]) []entry[T] {
	out := make([]entry[T], 0, len(items)+len(spec.raws))
	raws := spec.raws
	byID := spec.key == nil && !spec.desc
	for _, it := range items {
		for byID && len(raws) > 0 && raws[0].after < spec.id(it) {
			out = append(out, entry[T]{raw: raws[0].raw})
			raws = raws[1:]
		}
		out = append(out, entry[T]{item: it})
	}
	for _, r := range raws {
		out = append(out, entry[T]{raw: r.raw})
	}
	return out
}

// writeList writes the {<name>: [...], total, page, pages} envelope.
func writeList(w http.ResponseWriter, name string, lp listPage) {
	writeJSON(w, http.StatusOK, map[string]any{
		name:    lp.items,
		"total": lp.total,
		"page":  lp.page,
		"pages": lp.pages,
	})
}
