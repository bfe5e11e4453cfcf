package jobs

import (
	"github.com/shipsync/shipsync/connector/quipt"
)

// Value returns *p, or the zero value when p is nil: the connectors' models
// use pointers for the many fields the APIs send as null.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Optional returns nil for "", so the upstream receives null (or the field
// is left out) rather than an empty string.
func Optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// FirstNonEmpty returns the first of vals that is not "", or "".
func FirstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// Unshipped returns, per line of o, the quantity that no live (not voided)
// shipment carries, leaving out the lines shipped in full: what is left to
// ship, or to cancel. For an order nothing of which has shipped, that is
// every line with its full quantity.
func Unshipped(o *quipt.Order) []quipt.LineQuantity {
	shipped := map[string]int{}
	for _, sh := range o.Shipments {
		if sh.Voided {
			continue
		}
		for _, l := range sh.Lines {
			shipped[l.LineID] += l.Quantity
		}
	}
	var out []quipt.LineQuantity
	for _, l := range o.Lines {
		if left := l.Quantity - shipped[l.ID]; left > 0 {
			out = append(out, quipt.LineQuantity{LineID: l.ID, Quantity: left})
		}
	}
	return out
}
