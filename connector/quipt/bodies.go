package quipt

import "github.com/shipsync/shipsync/connector/jsonwrite"

// appendJSON appends po as json.Marshal writes it (TestBodiesAreMarshal),
// by hand: get-orders sends one for every order it imports.
func (po *NewPurchaseOrder) appendJSON(b []byte) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.String("PartnerReference", po.PartnerReference, false)
	w.String("OrderNumber", po.OrderNumber, false)
	w.Object("Channel", func(c *jsonwrite.Object) {
		c.String("Id", po.Channel.ID, false)
		c.String("Name", po.Channel.Name, false)
	})
	w.Object("Customer", func(c *jsonwrite.Object) {
		c.String("Name", po.Customer.Name, false)
		c.String("Email", po.Customer.Email, false)
		c.String("Phone", po.Customer.Phone, false)
	})
	w.Object("ShipTo", func(a *jsonwrite.Object) {
		t := &po.ShipTo
		a.String("Name", t.Name, false)
		a.StringPtr("Company", t.Company, false)
		a.String("Address1", t.Address1, false)
		a.StringPtr("Address2", t.Address2, false)
		a.String("City", t.City, false)
		a.String("State", t.State, false)
		a.String("PostalCode", t.PostalCode, false)
		a.String("Country", t.Country, false)
		a.String("Phone", t.Phone, false)
		a.BoolPtr("Residential", t.Residential, false)
	})
	w.Array("Lines", po.Lines == nil, func(a *jsonwrite.Array) {
		for i := range po.Lines {
			l := &po.Lines[i]
			a.Object(func(o *jsonwrite.Object) {
				o.String("Id", l.ID, true)
				o.String("SKU", l.SKU, false)
				o.String("VendorSKU", l.VendorSKU, false)
				o.String("Name", l.Name, false)
				o.Int("Quantity", int64(l.Quantity), false)
				o.Float("UnitPrice", l.UnitPrice, false)
			})
		}
	})
	w.Object("Shipping", func(s *jsonwrite.Object) {
		s.String("RequestedMethod", po.Shipping.RequestedMethod, false)
		s.StringPtr("CarrierCode", po.Shipping.CarrierCode, false)
		s.StringPtr("CarrierMethod", po.Shipping.CarrierMethod, false)
	})
	w.String("WarehouseCode", po.WarehouseCode, false)
	w.Object("Totals", func(t *jsonwrite.Object) {
		t.Float("Subtotal", po.Totals.Subtotal, false)
		t.Float("Tax", po.Totals.Tax, false)
		t.Float("Shipping", po.Totals.Shipping, false)
		t.Float("Total", po.Totals.Total, false)
	})
	return w.End()
}

// appendJSON appends r as json.Marshal writes it: push-orders sends one for
// every order it pushes.
func (r *AcknowledgeRequest) appendJSON(b []byte) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.String("OrderId", r.OrderID, false)
	w.Int("Status", int64(r.Status), false)
	w.String("Reason", r.Reason, false)
	appendLineQuantities(&w, r.Lines)
	return w.End()
}

// appendJSON appends r as json.Marshal writes it: sync-tracking sends one
// for every package.
func (r *ShipRequest) appendJSON(b []byte) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.String("OrderId", r.OrderID, false)
	w.String("ExternalShipmentId", r.ExternalShipmentID, false)
	w.String("TrackingNumber", r.TrackingNumber, false)
	w.String("CarrierCode", r.CarrierCode, false)
	w.String("CarrierMethod", r.CarrierMethod, false)
	w.String("ShipDate", r.ShipDate, false)
	appendLineQuantities(&w, r.Lines)
	return w.End()
}

// appendLineQuantities writes the Lines member of a write.
func appendLineQuantities(w *jsonwrite.Object, lines []LineQuantity) {
	w.Array("Lines", lines == nil, func(a *jsonwrite.Array) {
		for _, l := range lines {
			a.Object(func(o *jsonwrite.Object) {
				o.String("LineId", l.LineID, false)
				o.Int("Quantity", int64(l.Quantity), false)
			})
		}
	})
}

// bodyAppender is a write's body that encodes itself (the writes sent for
// every order); other bodies go through json.Marshal.
type bodyAppender interface {
	appendJSON(b []byte) ([]byte, error)
}
