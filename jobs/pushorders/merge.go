package pushorders

import (
	"github.com/shipsync/shipsync/connector/shipstation"
)

// merged is the order an update sends, decided group by group.
type merged struct {
	order shipstation.Order
	// sent and quipt are the record's Groups and Quipt for what is sent.
	sent, quipt map[string]string
	// conflicts are the groups both sides changed since the last push.
	conflicts []conflict
}

// conflict is a field group both sides changed, and the side kept.
type conflict struct {
	group string
	kept  owner
}

// merge decides each field group of an update three ways (DESIGN.md §2.1):
// base is what shipsync last sent (the record's hashes), q the order built
// from Quipt now, ss the order ShipStation holds now. A group neither side
// changed keeps ShipStation's value (what was sent, or what a person set
// before); one side changed takes that side's; both changed takes its
// owner's and is a conflict. A group the base does not know (a record from
// before field groups) takes its owner's without a conflict. With guard, a
// request whose outcome was uncertain may have landed late: a versioned
// group that ShipStation holds otherwise than sent is that older version,
// not a person's edit, so it takes Quipt's value.
func merge(q, ss shipstation.Order, base pushRecord, guard bool) merged {
	m := merged{order: q, sent: map[string]string{}, quipt: map[string]string{}}
	m.order.OrderID = ss.OrderID
	for _, g := range groups {
		hq, hs := g.hash(&q), g.hash(&ss)
		side := g.decide(hq, hs, base, guard)
		if side.conflict {
			m.conflicts = append(m.conflicts, conflict{g.name, side.keep})
		}
		m.sent[g.name] = hq
		if side.keep == ownerShipStation {
			g.take(&m.order, &ss)
			m.sent[g.name] = hs
		}
		if hq != m.sent[g.name] {
			m.quipt[g.name] = hq
		}
	}
	keepItemDetails(&m.order, ss)
	return m
}

// decision is the side a group takes, and whether both changed it.
type decision struct {
	keep     owner
	conflict bool
}

// decide picks the side of g from the hashes of Quipt's value hq and
// ShipStation's hs against base.
func (g group) decide(hq, hs string, base pushRecord, guard bool) decision {
	sentBase, known := base.Groups[g.name]
	if !known {
		return decision{keep: g.owner}
	}
	quiptBase := sentBase
	if h, ok := base.Quipt[g.name]; ok {
		quiptBase = h
	}
	quiptChanged, ssChanged := hq != quiptBase, hs != sentBase
	switch {
	case guard && g.versioned:
		return decision{keep: ownerQuipt}
	case !quiptChanged:
		return decision{keep: ownerShipStation}
	case !ssChanged || hq == hs:
		return decision{keep: ownerQuipt}
	}
	return decision{keep: g.owner, conflict: true}
}

// keepItemDetails gives each line sent the details a person may have set on
// the same line in ShipStation (weight, bin location, options, product),
// which Quipt does not know.
func keepItemDetails(o *shipstation.Order, ss shipstation.Order) {
	held := map[string]shipstation.OrderItem{}
	for _, it := range ss.Items {
		if it.LineItemKey != "" {
			held[it.LineItemKey] = it
		}
	}
	items := make([]shipstation.OrderItem, len(o.Items))
	for i, it := range o.Items {
		if h, ok := held[it.LineItemKey]; ok {
			it.Weight, it.WarehouseLocation, it.Options = h.Weight, h.WarehouseLocation, h.Options
			it.ProductID, it.ImageURL, it.UPC = h.ProductID, h.ImageURL, h.UPC
		}
		items[i] = it
	}
	o.Items = items
}
