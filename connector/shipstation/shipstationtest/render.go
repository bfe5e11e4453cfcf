package shipstationtest

import "time"

// The *JSON types are the wire forms of the exported types: each embeds the
// fields of its type and shadows the time fields (and the slices holding
// types with time fields) with Pacific renderings.
type (
	orderFields       Order
	itemFields        OrderItem
	shipmentFields    Shipment
	fulfillmentFields Fulfillment
	productFields     Product
	storeFields       Store
	warehouseFields   Warehouse
)

type orderJSON struct {
	orderFields
	OrderDate     wireTime   `json:"orderDate"`
	CreateDate    wireTime   `json:"createDate"`
	ModifyDate    wireTime   `json:"modifyDate"`
	PaymentDate   wireTime   `json:"paymentDate"`
	ShipByDate    wireTime   `json:"shipByDate"`
	ShipDate      wireTime   `json:"shipDate"`
	HoldUntilDate wireTime   `json:"holdUntilDate"`
	Items         []itemJSON `json:"items"`
}

type itemJSON struct {
	itemFields
	Options    []ItemOption `json:"options"`
	CreateDate wireTime     `json:"createDate"`
	ModifyDate wireTime     `json:"modifyDate"`
}

type shipmentJSON struct {
	shipmentFields
	CreateDate    wireTime   `json:"createDate"`
	ShipDate      wireTime   `json:"shipDate"`
	VoidDate      wireTime   `json:"voidDate"`
	ShipmentItems []itemJSON `json:"shipmentItems"`
}

type fulfillmentJSON struct {
	fulfillmentFields
	CreateDate   wireTime `json:"createDate"`
	ShipDate     wireTime `json:"shipDate"`
	VoidDate     wireTime `json:"voidDate"`
	DeliveryDate wireTime `json:"deliveryDate"`
}

type productJSON struct {
	productFields
	Active     bool     `json:"active"`
	CreateDate wireTime `json:"createDate"`
	ModifyDate wireTime `json:"modifyDate"`
}

type storeJSON struct {
	storeFields
	RefreshDate        wireTime `json:"refreshDate"`
	LastRefreshAttempt wireTime `json:"lastRefreshAttempt"`
	CreateDate         wireTime `json:"createDate"`
	ModifyDate         wireTime `json:"modifyDate"`
}

type warehouseJSON struct {
	warehouseFields
	CreateDate wireTime `json:"createDate"`
}

// renderer turns stored values into their wire forms in one location.
type renderer struct{ loc *time.Location }

func (r renderer) dateTime(t time.Time) wireTime { return wireTime{t, layoutDateTime, r.loc} }
func (r renderer) trimmed(t time.Time) wireTime  { return wireTime{t, layoutTrimmed, r.loc} }
func (r renderer) date(t time.Time) wireTime     { return wireTime{t, layoutDate, r.loc} }

func (r renderer) order(o Order) orderJSON {
	return orderJSON{
		orderFields:   orderFields(o),
		OrderDate:     r.dateTime(o.OrderDate),
		CreateDate:    r.dateTime(o.CreateDate),
		ModifyDate:    r.dateTime(o.ModifyDate),
		PaymentDate:   r.dateTime(o.PaymentDate),
		ShipByDate:    r.dateTime(o.ShipByDate),
		ShipDate:      r.date(o.ShipDate),
		HoldUntilDate: r.dateTime(o.HoldUntilDate),
		Items:         r.items(o.Items, []itemJSON{}),
	}
}

// items renders order lines; empty is what a nil slice becomes.
func (r renderer) items(items []OrderItem, empty []itemJSON) []itemJSON {
	if items == nil {
		return empty
	}
	out := make([]itemJSON, len(items))
	for i, it := range items {
		opts := it.Options
		if opts == nil {
			opts = []ItemOption{}
		}
		out[i] = itemJSON{
			itemFields: itemFields(it),
			Options:    opts,
			CreateDate: r.trimmed(it.CreateDate),
			ModifyDate: r.trimmed(it.ModifyDate),
		}
	}
	return out
}

// shipment renders s; its items only when withItems is set, as the API does.
func (r renderer) shipment(s Shipment, withItems bool) shipmentJSON {
	out := shipmentJSON{
		shipmentFields: shipmentFields(s),
		CreateDate:     r.dateTime(s.CreateDate),
		ShipDate:       r.date(s.ShipDate),
		VoidDate:       r.dateTime(s.VoidDate),
	}
	if withItems {
		out.ShipmentItems = r.items(s.ShipmentItems, []itemJSON{})
	}
	return out
}

func (r renderer) fulfillment(f Fulfillment) fulfillmentJSON {
	return fulfillmentJSON{
		fulfillmentFields: fulfillmentFields(f),
		CreateDate:        r.dateTime(f.CreateDate),
		ShipDate:          r.date(f.ShipDate),
		VoidDate:          r.dateTime(f.VoidDate),
		DeliveryDate:      r.dateTime(f.DeliveryDate),
	}
}

func (r renderer) product(p Product) productJSON {
	return productJSON{
		productFields: productFields(p),
		Active:        p.active(),
		CreateDate:    r.trimmed(p.CreateDate),
		ModifyDate:    r.trimmed(p.ModifyDate),
	}
}

func (r renderer) store(s Store) storeJSON {
	return storeJSON{
		storeFields:        storeFields(s),
		RefreshDate:        r.trimmed(s.RefreshDate),
		LastRefreshAttempt: r.trimmed(s.LastRefreshAttempt),
		CreateDate:         r.trimmed(s.CreateDate),
		ModifyDate:         r.trimmed(s.ModifyDate),
	}
}

func (r renderer) warehouse(w Warehouse) warehouseJSON {
	return warehouseJSON{warehouseFields: warehouseFields(w), CreateDate: r.dateTime(w.CreateDate)}
}
