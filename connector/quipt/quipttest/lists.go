package quipttest

import (
	"net/http"
	"strconv"
	"strings"
)

// Order statuses and sub-statuses the sandbox sets.
const (
	statusOpen          = 4
	statusShipped       = 8
	statusCanceled      = 16
	subStatusSoftCancel = 95
)

// maxPageSize is the largest pageSize the API accepts.
const maxPageSize = 200

// listOrders serves an order list: orderStatus filter (bit values, comma
// separated), include=Shipments,Cancellations, pageSize ≤ 200, pageNumber ≥ 1.
func (s *Server) listOrders(b *book) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		size, number, ok := s.pageParams(w, r)
		if !ok {
			return
		}
		mask, ok := s.statusMask(w, r.URL.Query().Get("orderStatus"))
		if !ok {
			return
		}
		withShipments, withCancellations, ok := s.includes(w, r.URL.Query().Get("include"))
		if !ok {
			return
		}
		var matching []*entry
		for _, id := range b.ids {
			if e := b.byID[id]; mask == 0 || e.status()&mask != 0 {
				matching = append(matching, e)
			}
		}
		from, to := window(len(matching), size, number)
		items := make([]any, 0, to-from)
		for _, e := range matching[from:to] {
			if e.raw != nil {
				items = append(items, e.raw)
				continue
			}
			items = append(items, listed(e.order, withShipments, withCancellations))
		}
		s.respond(w, items, &paging{PageNumber: number, Total: len(matching), HasMoreRecords: to < len(matching)})
	}
}

// listInventory serves the physical inventory list.
func (s *Server) listInventory(w http.ResponseWriter, r *http.Request) {
	size, number, ok := s.pageParams(w, r)
	if !ok {
		return
	}
	from, to := window(len(s.inventory), size, number)
	items := append([]InventoryItem{}, s.inventory[from:to]...)
	s.respond(w, items, &paging{PageNumber: number, Total: len(s.inventory), HasMoreRecords: to < len(s.inventory)})
}

// getFulfillmentOrder serves one fulfillment order. Like the lists, it
// includes Shipments and Cancellations only when the include parameter asks
// for them, so a client that forgets include sees them absent.
func (s *Server) getFulfillmentOrder(w http.ResponseWriter, r *http.Request) {
	withShipments, withCancellations, ok := s.includes(w, r.URL.Query().Get("include"))
	if !ok {
		return
	}
	o := s.fulfillment.order(r.PathValue("id"))
	if o == nil {
		s.fail(w, http.StatusNotFound, "NotFound", "unknown order")
		return
	}
	s.respond(w, listed(*o, withShipments, withCancellations), nil)
}

// listed is o as a read answers it: a copy, with Shipments and Cancellations
// present only when asked for.
func listed(o Order, withShipments, withCancellations bool) listedOrder {
	item := listedOrder{Order: cloneOrder(o)}
	if withShipments {
		item.Shipments = &item.Order.Shipments
	}
	if withCancellations {
		item.Cancellations = &item.Order.Cancellations
	}
	return item
}

// pageParams reads {pageSize} and {pageNumber}, answering 400 when invalid.
func (s *Server) pageParams(w http.ResponseWriter, r *http.Request) (size, number int, ok bool) {
	size, err := strconv.Atoi(r.PathValue("pageSize"))
	if err != nil || size < 1 || size > maxPageSize {
		s.fail(w, http.StatusBadRequest, "ValidationError", "pageSize must be between 1 and 200")
		return 0, 0, false
	}
	number, err = strconv.Atoi(r.PathValue("pageNumber"))
	if err != nil || number < 1 {
		s.fail(w, http.StatusBadRequest, "ValidationError", "pageNumber must be 1 or more")
		return 0, 0, false
	}
	return size, number, true
}

// statusMask ORs the comma-separated status bits; "" means every status.
func (s *Server) statusMask(w http.ResponseWriter, v string) (int, bool) {
	mask := 0
	if v == "" {
		return 0, true
	}
	for _, part := range strings.Split(v, ",") {
		bit, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || bit <= 0 {
			s.fail(w, http.StatusBadRequest, "ValidationError", "orderStatus must be comma-separated status values")
			return 0, false
		}
		mask |= bit
	}
	return mask, true
}

// includes reads the include parameter.
func (s *Server) includes(w http.ResponseWriter, v string) (shipments, cancellations, ok bool) {
	if v == "" {
		return false, false, true
	}
	for _, part := range strings.Split(v, ",") {
		switch strings.TrimSpace(part) {
		case "Shipments":
			shipments = true
		case "Cancellations":
			cancellations = true
		default:
			s.fail(w, http.StatusBadRequest, "ValidationError", "include accepts Shipments and Cancellations")
			return false, false, false
		}
	}
	return shipments, cancellations, true
}

// window returns the slice bounds of page number (from 1) of size items.
func window(total, size, number int) (from, to int) {
	if number-1 >= (total+size-1)/size {
		return total, total
	}
	from = (number - 1) * size
	return from, min(from+size, total)
}
