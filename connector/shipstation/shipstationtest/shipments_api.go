package shipstationtest

import (
	"net/http"
	"strings"
	"time"
)

// listShipments serves GET /shipments.
func (s *Server) listShipments(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	created, voided, shipped := q.dates("createDate"), q.dates("voidDate"), q.dates("shipDate")
	orderID, byOrder := q.int64("orderId")
	storeID, byStore := q.int64("storeId")
	number := strings.ToLower(q.str("orderNumber"))
	tracking, carrier, service := q.str("trackingNumber"), q.str("carrierCode"), q.str("serviceCode")
	recipient := strings.ToLower(q.str("recipientName"))
	withItems := q.boolean("includeShipmentItems")
	spec := listSpec[Shipment]{
		id: func(sh *Shipment) int64 { return sh.ShipmentID },
		key: sortKey(q, map[string]func(*Shipment) time.Time{
			"shipdate":   func(sh *Shipment) time.Time { return sh.ShipDate },
			"createdate": func(sh *Shipment) time.Time { return sh.CreateDate },
		}),
		desc:   q.sortDesc(),
		raws:   s.data.rawShipments,
		render: func(sh *Shipment) any { return s.render.shipment(*sh, withItems) },
	}
	if spec.key == nil { // the documented default is ascending createDate
		spec.key = func(sh *Shipment) time.Time { return sh.CreateDate }
	}
	p := q.paging()
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	var matched []*Shipment
	for _, sh := range sortedValues(s.data.shipments) {
		switch {
		case !created.contains(sh.CreateDate, s.loc),
			!voided.contains(sh.VoidDate, s.loc),
			!shipped.contains(sh.ShipDate, s.loc),
			byOrder && sh.OrderID != orderID,
			byStore && (sh.AdvancedOptions.StoreID == nil || *sh.AdvancedOptions.StoreID != storeID),
			!strings.HasPrefix(strings.ToLower(sh.OrderNumber), number),
			tracking != "" && sh.TrackingNumber != tracking,
			carrier != "" && sh.CarrierCode != carrier,
			service != "" && sh.ServiceCode != service,
			recipient != "" && (sh.ShipTo == nil || !strings.Contains(strings.ToLower(sh.ShipTo.Name), recipient)):
			continue
		}
		matched = append(matched, sh)
	}
	writeList(w, "shipments", paginate(matched, spec, p, s.loc))
}

// listFulfillments serves GET /fulfillments.
func (s *Server) listFulfillments(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	created, shipped := q.dates("createDate"), q.dates("shipDate")
	orderID, byOrder := q.int64("orderId")
	fulfillmentID, byID := q.int64("fulfillmentId")
	number := strings.ToLower(q.str("orderNumber"))
	tracking := q.str("trackingNumber")
	recipient := strings.ToLower(q.str("recipientName"))
	spec := listSpec[Fulfillment]{
		id: func(f *Fulfillment) int64 { return f.FulfillmentID },
		key: sortKey(q, map[string]func(*Fulfillment) time.Time{
			"shipdate":   func(f *Fulfillment) time.Time { return f.ShipDate },
			"createdate": func(f *Fulfillment) time.Time { return f.CreateDate },
		}),
		desc:   q.sortDesc(),
		raws:   s.data.rawFulfillments,
		render: func(f *Fulfillment) any { return s.render.fulfillment(*f) },
	}
	if spec.key == nil { // the documented default is ascending createDate
		spec.key = func(f *Fulfillment) time.Time { return f.CreateDate }
	}
	p := q.paging()
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	var matched []*Fulfillment
	for _, f := range sortedValues(s.data.fulfillments) {
		switch {
		case !created.contains(f.CreateDate, s.loc),
			!shipped.contains(f.ShipDate, s.loc),
			byOrder && f.OrderID != orderID,
			byID && f.FulfillmentID != fulfillmentID,
			!strings.HasPrefix(strings.ToLower(f.OrderNumber), number),
			tracking != "" && f.TrackingNumber != tracking,
			recipient != "" && (f.ShipTo == nil || !strings.Contains(strings.ToLower(f.ShipTo.Name), recipient)):
			continue
		}
		matched = append(matched, f)
	}
	writeList(w, "fulfillments", paginate(matched, spec, p, s.loc))
}
