package jobs

import "github.com/shipsync/shipsync/connector/quipt"

// Acceptance is the acknowledgement that accepts Quipt fulfillment order o
// once ShipStation holds it: every line that has something to ship, with
// its quantity. push-orders sends it after createorders; sync-tracking
// sends it before a package of an order push-orders has no record of
// accepting. Quipt is idempotent on OrderId + Status, so whichever comes
// second is answered as a duplicate.
func Acceptance(o *quipt.Order) quipt.AcknowledgeRequest {
	lines := make([]quipt.LineQuantity, 0, len(o.Lines))
	for _, l := range o.Lines {
		if l.Quantity > 0 {
			lines = append(lines, quipt.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
		}
	}
	return quipt.AcknowledgeRequest{OrderID: o.ID, Status: quipt.AckAccepted, Reason: "pushed to ShipStation", Lines: lines}
}
