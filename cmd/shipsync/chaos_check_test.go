package main

import (
	"fmt"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
)

// chaosVerdict is the comparison of both sides after the chaos: every
// problem found, the stale versions apart (see staleVersionsAsserted), and
// how many effects of each kind were checked.
type chaosVerdict struct {
	problems []string
	stale    []string
	checked  map[string]int
}

func (v *chaosVerdict) problem(format string, a ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, a...))
}

// settled reports whether nothing is left to converge.
func (v *chaosVerdict) settled() bool {
	return len(v.problems) == 0 && (len(v.stale) == 0 || !staleVersionsAsserted)
}

// staleVersionsAsserted says whether an order ShipStation holds in an older
// version than Quipt's latest fails the test: it does, since push-orders
// reads back what ShipStation holds after an uncertain upsert and repairs an
// older version applied late.
const staleVersionsAsserted = true

// compare checks both sandboxes against what the staff did.
func (s *chaosStaff) compare() *chaosVerdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := &chaosVerdict{checked: map[string]int{}}
	s.comparePushed(v)
	s.compareImported(v)
	v.checked["voids"] = len(s.voided) // each live in Quipt neither before nor after

	return v
}

// comparePushed checks every Quipt fulfillment order: one ShipStation order
// in its latest version (or the version it was shipped or cancelled in),
// one acknowledgement (none when it was cancelled before push-orders could
// acknowledge it), the cancel once when ShipStation staff cancelled it,
// and exactly its live labels as live packages.
func (s *chaosStaff) comparePushed(v *chaosVerdict) {
	byKey := map[string]int{}
	for _, o := range s.w.SS.Orders() {
		byKey[o.OrderKey]++
	}
	seen := map[string]bool{}
	for _, id := range s.quiptIDs {
		if n := byKey["quipt:"+id]; n != 1 {
			v.problem("Quipt order %s is %d ShipStation orders, want 1", id, n)
			continue
		}
		v.checked["orders"]++
		so, _ := s.w.SS.OrderByKey("quipt:" + id)
		want := s.latest[id]
		if s.handled[id] != "" {
			want = s.shipped[id]
		}
		if so.ShipTo == nil || so.ShipTo.Name != want {
			v.stale = append(v.stale, fmt.Sprintf("ShipStation order %s ships to %v, want %q", so.OrderNumber, so.ShipTo, want))
		}
		v.checked["versions"]++
		qo, _ := s.w.Q.FulfillmentOrder(id)
		switch n := len(s.w.Q.Acknowledgements(id)); {
		case n == 0 && s.handled[id] == "cancelled" && len(qo.Cancellations) == 1:
			// sync-cancels cancelled it before push-orders acknowledged it:
			// Quipt refuses to acknowledge a cancelled order.
			v.checked["cancelled_before_acknowledgement"]++
		case n != 1:
			v.problem("Quipt order %s acknowledged %d times, want 1", id, n)
		default:
			v.checked["acknowledgements"]++
		}
		wantCancels := map[bool]int{true: 1}[s.handled[id] == "cancelled"]
		if n := len(qo.Cancellations); n != wantCancels {
			v.problem("Quipt order %s cancelled %d times, want %d", id, n, wantCancels)
		}
		v.checked["cancels"] += wantCancels
		s.comparePackages(v, id, qo.Status, qo.Shipments, seen)
	}
}

// comparePackages checks one Quipt order's packages against the labels.
func (s *chaosStaff) comparePackages(v *chaosVerdict, id string, status int, shipments []quipttest.Shipment, seen map[string]bool) {
	live := 0
	for _, sh := range shipments {
		ext := sh.ExternalShipmentID
		if seen[ext] {
			v.problem("package %s applied twice", ext)
		}
		seen[ext] = true
		switch {
		case s.voided[ext] && !sh.Voided:
			v.problem("Quipt order %s: voided label %s is live", id, ext)
		case s.voided[ext]: // voided on both sides
		case s.live[ext] != id:
			v.problem("Quipt order %s: unexpected package %s", id, ext)
		case sh.Voided:
			v.problem("Quipt order %s: live label %s is voided", id, ext)
		default:
			live++
		}
	}
	wantLive := map[bool]int{true: 1}[s.handled[id] == "labelled"]
	if live != wantLive || (wantLive == 1 && status != 8) {
		v.problem("Quipt order %s: %d live packages, status %d; want %d", id, live, status, wantLive)
	}
	v.checked["packages"] += wantLive
}

// compareImported checks every order created in ShipStation: one Quipt
// purchase order, its user (compareAssignment), marked shipped once when
// Quipt shipped it and never otherwise.
func (s *chaosStaff) compareImported(v *chaosVerdict) {
	refs := map[string]int{}
	for _, po := range s.w.Q.PurchaseOrders() {
		if po.PartnerReference != nil {
			refs[*po.PartnerReference]++
		}
	}
	if len(refs) > len(s.ssIDs) {
		v.problem("Quipt holds purchase orders for %d ShipStation orders, %d were created there", len(refs), len(s.ssIDs))
	}
	shippedSS := map[int64]bool{}
	for _, id := range s.shippedPO {
		shippedSS[id] = true
	}
	for _, id := range s.ssIDs {
		if n := refs[fmt.Sprintf("shipstation:%d", id)]; n != 1 {
			v.problem("ShipStation order %d imported %d times, want 1", id, n)
		}
		v.checked["orders"]++
		s.compareAssignment(v, id, shippedSS[id])
		wantShipped := map[bool]int{true: 1}[shippedSS[id]]
		if n := s.w.SS.MarkAsShippedCount(id); n != wantShipped {
			v.problem("ShipStation order %d marked shipped %d times, want %d", id, n, wantShipped)
		}
		v.checked["mark_as_shipped"] += wantShipped
	}
}

// compareAssignment checks ShipStation order id's user: assigned once by
// shipsync unless a person had assigned it (then never, and the person's
// user stays), or never when it was shipped while its assignuser settled.
func (s *chaosStaff) compareAssignment(v *chaosVerdict, id int64, shipped bool) {
	o, _ := s.w.SS.Order(id)
	wantAssigns, wantUser := 1, sst.DefaultUserID
	if s.personal[id] {
		wantAssigns, wantUser = 0, sst.SecondUserID
	}
	switch n := s.w.SS.AssignCount(id); {
	case n == 0 && o.UserID == nil && shipped && o.OrderStatus == sst.StatusShipped:
		// Shipped from Quipt while its assignuser settled: get-orders
		// reads only the orders awaiting shipment, so none is due.
		v.checked["shipped_before_assignment"]++
	case n != wantAssigns || o.UserID == nil || *o.UserID != wantUser:
		v.problem("ShipStation order %d: assigned %d times, user %q; want %d and %s", id, n, jobs.Value(o.UserID), wantAssigns, wantUser)
	default:
		v.checked["assignments"]++
	}
}

// summary is the first problems of v, one a line.
func (v *chaosVerdict) summary(limit int) string {
	all := v.problems
	if staleVersionsAsserted {
		all = append(all, v.stale...)
	}
	if len(all) > limit {
		all = append(all[:limit:limit], fmt.Sprintf("… and %d more", len(all)-limit))
	}
	return strings.Join(all, "\n")
}
