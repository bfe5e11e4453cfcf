package pushorders

import (
	"context"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// maxConflictItems bounds the merge conflicts the summary line names.
const maxConflictItems = 50

// sendUpdates sends the pass's updates, the orders ShipStation holds
// already. One batched read (readBack) learns what ShipStation holds for all
// of them; then each order is, by what was read: not found, left for the
// next run; no longer open (shipped, cancelled), recorded and acknowledged
// as held_closed, as a refused resend is; of an uncertain request, unchanged
// in Quipt and holding the latest version sent, verified and left alone;
// else merged field group by field group (merge) and sent, in createorders
// calls of up to MaxCreateOrders.
func (p *pass) sendUpdates(ctx context.Context) error {
	ups := p.updates
	p.updates = nil
	defer p.listConflicts()
	if len(ups) == 0 {
		return nil
	}
	held, err := p.readBack(ctx, ups)
	if err != nil {
		return err
	}
	recs := jobs.Records{}
	var acks []ack
	var send []*push
	for _, bp := range ups {
		b := *bp
		ss, ok := held[b.ss.OrderKey]
		switch {
		case !ok:
			p.unread(b)
		case b.verify && (!updatable(ss) || sameVersion(b.prior, ss)):
			p.verified(b, ss, &acks)
		case !updatable(ss):
			b.rec.SSOrderID = ss.OrderID
			if err := p.heldClosed(b, ss.OrderStatus, recs); err != nil {
				return err
			}
			if !b.rec.Acked {
				acks = append(acks, ack{order: b.order, rec: b.rec})
			}
		default:
			m := p.merged(b, ss)
			send = append(send, &m)
		}
	}
	if err := p.run.Record(ctx, recs, nil); err != nil {
		return err
	}
	if err := p.acknowledge(ctx, acks); err != nil {
		return err
	}
	p.batch = append(p.batch, send...)
	return p.flush(ctx, 1)
}

// merged returns b to send as the merge of Quipt's order and ss, with the
// record of what it sends, and logs and counts its conflicts.
func (p *pass) merged(b push, ss shipstation.Order) push {
	guard := p.guarded[b.order.ID]
	m := merge(b.ss, ss, b.prior, guard)
	b.ss, b.rec.Groups, b.rec.Quipt = m.order, m.sent, nil
	if len(m.quipt) > 0 {
		b.rec.Quipt = m.quipt
	}
	for _, c := range m.conflicts {
		p.conflicts = append(p.conflicts, b.order.ID+":"+c.group)
		p.run.Sum.Add("merge_conflicts", 1)
		p.run.Log.Warn().Str("event", "merge_conflict").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
			Int64("ss_order_id", ss.OrderID).Str("field_group", c.group).Str("kept", string(c.kept)).
			Msg("both Quipt and ShipStation changed the field group since the last push: the owner's value is sent")
	}
	if b.verify {
		p.run.Sum.Add("version_repaired", 1)
		p.run.Log.Warn().Str("event", "version_repaired").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
			Int64("ss_order_id", ss.OrderID).
			Msg("ShipStation holds another version than the latest sent (a late request): sending the latest again")
	}
	return b
}

// verified notes an unchanged order of an uncertain request that needs no
// resend: ShipStation holds the version last sent, or holds it no longer open.
func (p *pass) verified(b push, ss shipstation.Order, acks *[]ack) {
	p.run.Sum.Skip("skipped_unchanged")
	p.run.Sum.Add("version_verified", 1)
	p.run.Log.Debug().Str("event", "version_verified").Str("quipt_order_id", b.order.ID).
		Int64("ss_order_id", ss.OrderID).Str("ss_status", ss.OrderStatus).
		Msg("ShipStation holds the latest version sent")
	if !b.prior.Acked {
		*acks = append(*acks, ack{order: b.order, rec: b.prior})
	}
}

// unread notes an update the read-back did not find: it is not sent (that
// would wipe what people set in ShipStation), and the next run tries again.
func (p *pass) unread(b push) {
	p.run.Sum.Add("merge_unread", 1)
	p.run.Log.Warn().Str("event", "merge_unread").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
		Int64("ss_order_id", b.prior.SSOrderID).
		Msg("the order to update was not in the read-back of ShipStation's modified orders: left for the next run")
}

// listConflicts names the pass's merge conflicts in the summary line.
func (p *pass) listConflicts() {
	if len(p.conflicts) > 0 {
		p.run.Sum.List("merge_conflict_items", p.conflicts, maxConflictItems)
	}
}

// HoldsLatest reports whether the ShipStation order ss holds, in every field
// group Quipt owns that an update can change, what push-orders last sent
// according to its record raw (a jobs.NSPushed value). known is false when
// the record cannot tell: unreadable, or written before field groups were
// kept.
func HoldsLatest(raw string, ss shipstation.Order) (holds, known bool) {
	rec, err := decodeRecord(raw)
	if err != nil || len(rec.Groups) == 0 {
		return false, false
	}
	return sameVersion(rec, ss), true
}

// sameVersion reports whether ss holds, in every versioned field group, what
// rec says was last sent. A record without field groups cannot tell: it
// counts as the same.
func sameVersion(rec pushRecord, ss shipstation.Order) bool {
	for _, g := range groups {
		if h, ok := rec.Groups[g.name]; ok && g.versioned && h != g.hash(&ss) {
			return false
		}
	}
	return true
}

// updatable reports whether ShipStation still lets createorders change o.
func updatable(o shipstation.Order) bool {
	switch o.OrderStatus {
	case shipstation.StatusAwaitingPayment, shipstation.StatusAwaitingShipment, shipstation.StatusOnHold, shipstation.StatusPendingFulfillment:
		return true
	}
	return false
}
