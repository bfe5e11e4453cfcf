package shipstationtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// maxBatch is the most orders one createorders call may carry.
const maxBatch = 100

// createOrderResult is one element of the createorders reply.
type createOrderResult struct {
	OrderID      int64   `json:"orderId"`
	OrderNumber  string  `json:"orderNumber"`
	OrderKey     string  `json:"orderKey"`
	Success      bool    `json:"success"`
	ErrorMessage *string `json:"errorMessage"`
}

type createOrdersReply struct {
	HasErrors bool                `json:"hasErrors"`
	Results   []createOrderResult `json:"results"`
}

// createOrder serves POST /orders/createorder: one upsert, replied with the
// stored order, or 400 with the reason.
func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "The request body could not be read.")
		return
	}
	o, err := decodeOrder(body, s.loc)
	if err == nil {
		var stored *Order
		if stored, err = s.upsert(o, s.now()); err == nil {
			writeJSON(w, http.StatusOK, s.render.order(*stored))
			return
		}
	}
	writeMessage(w, http.StatusBadRequest, err.Error())
}

// createOrders serves POST /orders/createorders: up to 100 upserts, each
// failing on its own, replied in request order.
func (s *Server) createOrders(w http.ResponseWriter, r *http.Request) {
	var batch []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		writeMessage(w, http.StatusBadRequest, "The request is invalid: the body must be a JSON array of orders.")
		return
	}
	if len(batch) > maxBatch {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("The request is invalid: at most %d orders may be sent at once.", maxBatch))
		return
	}
	now := s.now()
	keys := make([]string, len(batch))
	reply := createOrdersReply{Results: make([]createOrderResult, len(batch))}
	for i, raw := range batch {
		id := peekOrderID(raw)
		keys[i] = id.OrderKey
		res := createOrderResult{OrderNumber: id.OrderNumber, OrderKey: id.OrderKey}
		o, err := decodeOrder(raw, s.loc)
		var stored *Order
		if err == nil {
			stored, err = s.upsert(o, now)
		}
		if err != nil {
			reply.HasErrors = true
			res.ErrorMessage = new(err.Error())
		} else {
			res.OrderID, res.OrderKey, res.Success = stored.OrderID, stored.OrderKey, true
		}
		reply.Results[i] = res
	}
	s.calls.createOrders = append(s.calls.createOrders, keys)
	writeJSON(w, http.StatusOK, reply)
}

// orderIdentity is what can be read of a posted order even when it is
// malformed.
type orderIdentity struct {
	OrderNumber string
	OrderKey    string
}

func peekOrderID(raw json.RawMessage) orderIdentity {
	var fields map[string]json.RawMessage
	var id orderIdentity
	if json.Unmarshal(raw, &fields) != nil {
		return id
	}
	_ = json.Unmarshal(fields["orderNumber"], &id.OrderNumber) // best effort: left empty when not a string
	_ = json.Unmarshal(fields["orderKey"], &id.OrderKey)
	return id
}

type assignUserRequest struct {
	OrderIDs []int64 `json:"orderIds"`
	UserID   string  `json:"userId"`
}

type successReply struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

// assignUser serves POST /orders/assignuser: all or nothing.
func (s *Server) assignUser(w http.ResponseWriter, r *http.Request) {
	var req assignUserRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeMessage(w, http.StatusBadRequest, "The request is invalid: "+err.Error())
		return
	}
	if len(req.OrderIDs) == 0 {
		writeMessage(w, http.StatusBadRequest, "The orderIds field is required.")
		return
	}
	if !slices.ContainsFunc(s.data.users, func(u User) bool { return u.UserID == req.UserID }) {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("User '%s' was not found.", req.UserID))
		return
	}
	for _, id := range req.OrderIDs {
		if _, ok := s.data.orders[id]; !ok {
			writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Order %d was not found. No orders were assigned.", id))
			return
		}
	}
	now := s.now()
	for _, id := range req.OrderIDs {
		o := s.data.orders[id]
		o.UserID = new(req.UserID)
		o.ModifyDate = now
	}
	s.calls.assignUser = append(s.calls.assignUser, AssignUserCall{OrderIDs: slices.Clone(req.OrderIDs), UserID: req.UserID})
	writeJSON(w, http.StatusOK, successReply{Success: true, Message: "User assigned successfully."})
}

type markAsShippedRequest struct {
	OrderID            int64   `json:"orderId"`
	CarrierCode        string  `json:"carrierCode"`
	ShipDate           *string `json:"shipDate"`
	TrackingNumber     string  `json:"trackingNumber"`
	NotifyCustomer     bool    `json:"notifyCustomer"`
	NotifySalesChannel bool    `json:"notifySalesChannel"`
}

type markAsShippedReply struct {
	OrderID     int64  `json:"orderId"`
	OrderNumber string `json:"orderNumber"`
}

// markAsShipped serves POST /orders/markasshipped: an open order becomes
// shipped and gets a fulfillment.
func (s *Server) markAsShipped(w http.ResponseWriter, r *http.Request) {
	var req markAsShippedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeMessage(w, http.StatusBadRequest, "The request is invalid: "+err.Error())
		return
	}
	now := s.now()
	shipDate, err := parseWireTime(req.ShipDate, s.loc)
	o, found := s.data.orders[req.OrderID]
	switch {
	case req.OrderID == 0:
		writeMessage(w, http.StatusBadRequest, "The orderId field is required.")
	case req.CarrierCode == "":
		writeMessage(w, http.StatusBadRequest, "The carrierCode field is required.")
	case err != nil:
		writeMessage(w, http.StatusBadRequest, "The field shipDate is invalid: "+err.Error())
	case !found:
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Order %d was not found.", req.OrderID))
	case !isOpen(o.OrderStatus):
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Order %d cannot be marked as shipped because its status is '%s'.", o.OrderID, o.OrderStatus))
	default:
		if shipDate.IsZero() {
			shipDate = now
		}
		s.markShipped(o, req, pacificDate(shipDate, s.loc), now)
		call := MarkAsShippedCall{OrderID: o.OrderID, CarrierCode: req.CarrierCode, TrackingNumber: req.TrackingNumber,
			NotifyCustomer: req.NotifyCustomer, NotifySalesChannel: req.NotifySalesChannel}
		if req.ShipDate != nil {
			call.ShipDate = *req.ShipDate
		}
		s.calls.markAsShipped = append(s.calls.markAsShipped, call)
		writeJSON(w, http.StatusOK, markAsShippedReply{OrderID: o.OrderID, OrderNumber: o.OrderNumber})
	}
}
