package quipt

import (
	"time"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// orderDecoder decodes a listed or read order through field tables, once
// and without reflection: Order.UnmarshalJSON's result, field for field
// (FuzzOrderDecodeTables). Shipments and cancellations, read only by some
// jobs and rare on open orders, go through json.Unmarshal itself.
type orderDecoder struct {
	order *jsonfields.Object[Order]
}

// newOrderDecoder builds the tables.
func newOrderDecoder() *orderDecoder {
	str := jsonfields.String
	channel := jsonfields.NewObject(map[string]jsonfields.Decoder[Channel]{
		"Id":   func(c *Channel, raw []byte) error { return str(&c.ID, raw) },
		"Name": func(c *Channel, raw []byte) error { return str(&c.Name, raw) },
	})
	customer := jsonfields.NewObject(map[string]jsonfields.Decoder[Customer]{
		"Name":  func(c *Customer, raw []byte) error { return str(&c.Name, raw) },
		"Email": func(c *Customer, raw []byte) error { return str(&c.Email, raw) },
		"Phone": func(c *Customer, raw []byte) error { return str(&c.Phone, raw) },
	})
	address := jsonfields.NewObject(map[string]jsonfields.Decoder[Address]{
		"Name":        func(a *Address, raw []byte) error { return str(&a.Name, raw) },
		"Company":     func(a *Address, raw []byte) error { return jsonfields.StringPtr(&a.Company, raw) },
		"Address1":    func(a *Address, raw []byte) error { return str(&a.Address1, raw) },
		"Address2":    func(a *Address, raw []byte) error { return jsonfields.StringPtr(&a.Address2, raw) },
		"City":        func(a *Address, raw []byte) error { return str(&a.City, raw) },
		"State":       func(a *Address, raw []byte) error { return str(&a.State, raw) },
		"PostalCode":  func(a *Address, raw []byte) error { return str(&a.PostalCode, raw) },
		"Country":     func(a *Address, raw []byte) error { return str(&a.Country, raw) },
		"Phone":       func(a *Address, raw []byte) error { return str(&a.Phone, raw) },
		"Residential": func(a *Address, raw []byte) error { return jsonfields.BoolPtr(&a.Residential, raw) },
	})
	line := jsonfields.NewObject(map[string]jsonfields.Decoder[Line]{
		"Id":        func(l *Line, raw []byte) error { return str(&l.ID, raw) },
		"SKU":       func(l *Line, raw []byte) error { return str(&l.SKU, raw) },
		"VendorSKU": func(l *Line, raw []byte) error { return str(&l.VendorSKU, raw) },
		"Name":      func(l *Line, raw []byte) error { return str(&l.Name, raw) },
		"Quantity":  func(l *Line, raw []byte) error { return jsonfields.Int(&l.Quantity, raw) },
		"UnitPrice": func(l *Line, raw []byte) error { return jsonfields.Float64(&l.UnitPrice, raw) },
	})
	shipping := jsonfields.NewObject(map[string]jsonfields.Decoder[Shipping]{
		"RequestedMethod": func(s *Shipping, raw []byte) error { return str(&s.RequestedMethod, raw) },
		"CarrierCode":     func(s *Shipping, raw []byte) error { return jsonfields.StringPtr(&s.CarrierCode, raw) },
		"CarrierMethod":   func(s *Shipping, raw []byte) error { return jsonfields.StringPtr(&s.CarrierMethod, raw) },
	})
	totals := jsonfields.NewObject(map[string]jsonfields.Decoder[Totals]{
		"Subtotal": func(t *Totals, raw []byte) error { return jsonfields.Float64(&t.Subtotal, raw) },
		"Tax":      func(t *Totals, raw []byte) error { return jsonfields.Float64(&t.Tax, raw) },
		"Shipping": func(t *Totals, raw []byte) error { return jsonfields.Float64(&t.Shipping, raw) },
		"Total":    func(t *Totals, raw []byte) error { return jsonfields.Float64(&t.Total, raw) },
	})
	order := jsonfields.NewObject(map[string]jsonfields.Decoder[Order]{
		"Id":               func(o *Order, raw []byte) error { return str(&o.ID, raw) },
		"OrderNumber":      func(o *Order, raw []byte) error { return str(&o.OrderNumber, raw) },
		"PartnerReference": func(o *Order, raw []byte) error { return jsonfields.StringPtr(&o.PartnerReference, raw) },
		"Status":           func(o *Order, raw []byte) error { return jsonfields.Int(&o.Status, raw) },
		"SubStatus":        func(o *Order, raw []byte) error { return jsonfields.Int(&o.SubStatus, raw) },
		"CreatedAt":        func(o *Order, raw []byte) error { return lenientInto(&o.CreatedAt, raw) },
		"UpdatedAt":        func(o *Order, raw []byte) error { return lenientInto(&o.UpdatedAt, raw) },
		"Channel":          func(o *Order, raw []byte) error { return channel.Decode(&o.Channel, raw) },
		"Customer":         func(o *Order, raw []byte) error { return customer.Decode(&o.Customer, raw) },
		"ShipTo":           func(o *Order, raw []byte) error { return address.Decode(&o.ShipTo, raw) },
		"Lines":            func(o *Order, raw []byte) error { return jsonfields.Slice(&o.Lines, raw, line.Decode) },
		"Shipping":         func(o *Order, raw []byte) error { return shipping.Decode(&o.Shipping, raw) },
		"WarehouseCode":    func(o *Order, raw []byte) error { return str(&o.WarehouseCode, raw) },
		"Totals":           func(o *Order, raw []byte) error { return totals.Decode(&o.Totals, raw) },
		"Shipments":        func(o *Order, raw []byte) error { return jsonfields.Std(&o.Shipments, raw) },
		"Cancellations":    func(o *Order, raw []byte) error { return jsonfields.Std(&o.Cancellations, raw) },
	})
	return &orderDecoder{order: order}
}

// Decode decodes the order raw into o.
func (d *orderDecoder) Decode(o *Order, raw []byte) error { return d.order.Decode(o, raw) }

// lenientInto reads a timestamp as lenientTime does into dst.
func lenientInto(dst *time.Time, raw []byte) error {
	var t lenientTime
	if err := t.UnmarshalJSON(raw); err != nil {
		return err
	}
	*dst = t.Time
	return nil
}
