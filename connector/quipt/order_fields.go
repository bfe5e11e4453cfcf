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
	channel := jsonfields.NewObject(map[string]jsonfields.Field[Channel]{
		"Id":   func(c *Channel, b []byte, i int) (int, error) { return str(&c.ID, b, i) },
		"Name": func(c *Channel, b []byte, i int) (int, error) { return str(&c.Name, b, i) },
	})
	customer := jsonfields.NewObject(map[string]jsonfields.Field[Customer]{
		"Name":  func(c *Customer, b []byte, i int) (int, error) { return str(&c.Name, b, i) },
		"Email": func(c *Customer, b []byte, i int) (int, error) { return str(&c.Email, b, i) },
		"Phone": func(c *Customer, b []byte, i int) (int, error) { return str(&c.Phone, b, i) },
	})
	address := jsonfields.NewObject(map[string]jsonfields.Field[Address]{
		"Name":        func(a *Address, b []byte, i int) (int, error) { return str(&a.Name, b, i) },
		"Company":     func(a *Address, b []byte, i int) (int, error) { return jsonfields.StringPtr(&a.Company, b, i) },
		"Address1":    func(a *Address, b []byte, i int) (int, error) { return str(&a.Address1, b, i) },
		"Address2":    func(a *Address, b []byte, i int) (int, error) { return jsonfields.StringPtr(&a.Address2, b, i) },
		"City":        func(a *Address, b []byte, i int) (int, error) { return str(&a.City, b, i) },
		"State":       func(a *Address, b []byte, i int) (int, error) { return str(&a.State, b, i) },
		"PostalCode":  func(a *Address, b []byte, i int) (int, error) { return str(&a.PostalCode, b, i) },
		"Country":     func(a *Address, b []byte, i int) (int, error) { return str(&a.Country, b, i) },
		"Phone":       func(a *Address, b []byte, i int) (int, error) { return str(&a.Phone, b, i) },
		"Residential": func(a *Address, b []byte, i int) (int, error) { return jsonfields.BoolPtr(&a.Residential, b, i) },
	})
	line := jsonfields.NewObject(map[string]jsonfields.Field[Line]{
		"Id":        func(l *Line, b []byte, i int) (int, error) { return str(&l.ID, b, i) },
		"SKU":       func(l *Line, b []byte, i int) (int, error) { return str(&l.SKU, b, i) },
		"VendorSKU": func(l *Line, b []byte, i int) (int, error) { return str(&l.VendorSKU, b, i) },
		"Name":      func(l *Line, b []byte, i int) (int, error) { return str(&l.Name, b, i) },
		"Quantity":  func(l *Line, b []byte, i int) (int, error) { return jsonfields.Int(&l.Quantity, b, i) },
		"UnitPrice": func(l *Line, b []byte, i int) (int, error) { return jsonfields.Float64(&l.UnitPrice, b, i) },
	})
	shipping := jsonfields.NewObject(map[string]jsonfields.Field[Shipping]{
		"RequestedMethod": func(s *Shipping, b []byte, i int) (int, error) { return str(&s.RequestedMethod, b, i) },
		"CarrierCode":     func(s *Shipping, b []byte, i int) (int, error) { return jsonfields.StringPtr(&s.CarrierCode, b, i) },
		"CarrierMethod":   func(s *Shipping, b []byte, i int) (int, error) { return jsonfields.StringPtr(&s.CarrierMethod, b, i) },
	})
	totals := jsonfields.NewObject(map[string]jsonfields.Field[Totals]{
		"Subtotal": func(t *Totals, b []byte, i int) (int, error) { return jsonfields.Float64(&t.Subtotal, b, i) },
		"Tax":      func(t *Totals, b []byte, i int) (int, error) { return jsonfields.Float64(&t.Tax, b, i) },
		"Shipping": func(t *Totals, b []byte, i int) (int, error) { return jsonfields.Float64(&t.Shipping, b, i) },
		"Total":    func(t *Totals, b []byte, i int) (int, error) { return jsonfields.Float64(&t.Total, b, i) },
	})
	order := jsonfields.NewObject(map[string]jsonfields.Field[Order]{
		"Id":               func(o *Order, b []byte, i int) (int, error) { return str(&o.ID, b, i) },
		"OrderNumber":      func(o *Order, b []byte, i int) (int, error) { return str(&o.OrderNumber, b, i) },
		"PartnerReference": func(o *Order, b []byte, i int) (int, error) { return jsonfields.StringPtr(&o.PartnerReference, b, i) },
		"Status":           func(o *Order, b []byte, i int) (int, error) { return jsonfields.Int(&o.Status, b, i) },
		"SubStatus":        func(o *Order, b []byte, i int) (int, error) { return jsonfields.Int(&o.SubStatus, b, i) },
		"CreatedAt":        func(o *Order, b []byte, i int) (int, error) { return lenientInto(&o.CreatedAt, b, i) },
		"UpdatedAt":        func(o *Order, b []byte, i int) (int, error) { return lenientInto(&o.UpdatedAt, b, i) },
		"Channel":          func(o *Order, b []byte, i int) (int, error) { return channel.Read(&o.Channel, b, i) },
		"Customer":         func(o *Order, b []byte, i int) (int, error) { return customer.Read(&o.Customer, b, i) },
		"ShipTo":           func(o *Order, b []byte, i int) (int, error) { return address.Read(&o.ShipTo, b, i) },
		"Lines":            func(o *Order, b []byte, i int) (int, error) { return jsonfields.Slice(&o.Lines, b, i, line.Read) },
		"Shipping":         func(o *Order, b []byte, i int) (int, error) { return shipping.Read(&o.Shipping, b, i) },
		"WarehouseCode":    func(o *Order, b []byte, i int) (int, error) { return str(&o.WarehouseCode, b, i) },
		"Totals":           func(o *Order, b []byte, i int) (int, error) { return totals.Read(&o.Totals, b, i) },
		"Shipments":        func(o *Order, b []byte, i int) (int, error) { return jsonfields.Std(&o.Shipments, b, i) },
		"Cancellations":    func(o *Order, b []byte, i int) (int, error) { return jsonfields.Std(&o.Cancellations, b, i) },
	})
	return &orderDecoder{order: order}
}

// Decode decodes the order raw into o (a jsonfields.Decoder).
func (d *orderDecoder) Decode(o *Order, raw []byte) error { return d.order.Decode(o, raw) }

// Read reads the order that starts at b[i] into o (a jsonfields.Field).
func (d *orderDecoder) Read(o *Order, b []byte, i int) (int, error) { return d.order.Read(o, b, i) }

// readInventoryItem reads the inventory record that starts at b[i] through
// its UnmarshalJSON (a jsonfields.Field).
func readInventoryItem(it *InventoryItem, b []byte, i int) (int, error) {
	return jsonfields.Unmarshaler(it, b, i)
}

// lenientInto reads the timestamp at b[i] as lenientTime does into dst.
func lenientInto(dst *time.Time, b []byte, i int) (int, error) {
	return jsonfields.Raw(b, i, func(raw []byte) error {
		var t lenientTime
		if err := t.UnmarshalJSON(raw); err != nil {
			return err
		}
		*dst = t.Time
		return nil
	})
}
