package shipstationtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listOrders serves GET /orders.
func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	status := q.status("orderStatus")
	created, modified := q.dates("createDate"), q.dates("modifyDate")
	ordered, paid := q.dates("orderDate"), q.dates("paymentDate")
	number := strings.ToLower(q.str("orderNumber"))
	customer := strings.ToLower(q.str("customerName"))
	storeID, byStore := q.int64("storeId")
	spec := s.orderSpec(q)
	p := q.paging()
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	var matched []*Order
	for _, o := range sortedValues(s.data.orders) {
		switch {
		case status != "" && o.OrderStatus != status,
			!created.contains(o.CreateDate, s.loc),
			!modified.contains(o.ModifyDate, s.loc),
			!ordered.contains(o.OrderDate, s.loc),
			!paid.contains(o.PaymentDate, s.loc),
			!strings.HasPrefix(strings.ToLower(o.OrderNumber), number),
			byStore && (o.AdvancedOptions.StoreID == nil || *o.AdvancedOptions.StoreID != storeID),
			customer != "" && !customerMatches(o, customer):
			continue
		}
		matched = append(matched, o)
	}
	writeList(w, "orders", paginate(matched, spec, p, s.loc))
}

// listOrdersByTag serves GET /orders/listbytag; orderStatus and tagId are
// required.
func (s *Server) listOrdersByTag(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	status := q.status("orderStatus")
	tagID, hasTag := q.int64("tagId")
	spec := s.orderSpec(q)
	p := q.paging()
	switch {
	case q.err != nil:
	case status == "":
		q.fail("The orderStatus field is required.")
	case !hasTag:
		q.fail("The tagId field is required.")
	}
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	var matched []*Order
	for _, o := range sortedValues(s.data.orders) {
		if o.OrderStatus == status && slices.Contains(o.TagIDs, tagID) {
			matched = append(matched, o)
		}
	}
	writeList(w, "orders", paginate(matched, spec, p, s.loc))
}

// getOrder serves GET /orders/{orderId}.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("orderId"), 10, 64)
	o, ok := s.data.orders[id]
	if err != nil || !ok {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, s.render.order(*o))
}

// orderSpec reads sortBy/sortDir for an order list.
func (s *Server) orderSpec(q *query) listSpec[Order] {
	return listSpec[Order]{
		id: func(o *Order) int64 { return o.OrderID },
		key: sortKey(q, map[string]func(*Order) time.Time{
			"orderdate":  func(o *Order) time.Time { return o.OrderDate },
			"modifydate": func(o *Order) time.Time { return o.ModifyDate },
			"createdate": func(o *Order) time.Time { return o.CreateDate },
		}),
		desc:   q.sortDesc(),
		raws:   s.data.rawOrders,
		render: func(o *Order) any { return s.render.order(*o) },
	}
}

// customerMatches reports whether the bill-to or ship-to name contains name
// (lower case).
func customerMatches(o *Order, name string) bool {
	for _, a := range []*Address{o.BillTo, o.ShipTo} {
		if a != nil && strings.Contains(strings.ToLower(a.Name), name) {
			return true
		}
	}
	return false
}
