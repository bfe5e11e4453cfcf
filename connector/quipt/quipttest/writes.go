package quipttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The write endpoints answer the order after the write as Result. A repeat of
// an applied write (same idempotency key) answers Success true, the current
// record and an Info "Duplicate" message, and changes nothing.

type purchaseBody struct {
	PartnerReference string   `json:"PartnerReference"`
	OrderNumber      string   `json:"OrderNumber"`
	Channel          Channel  `json:"Channel"`
	Customer         Customer `json:"Customer"`
	ShipTo           Address  `json:"ShipTo"`
	Lines            []Line   `json:"Lines"`
	Shipping         Shipping `json:"Shipping"`
	WarehouseCode    string   `json:"WarehouseCode"`
	Totals           Totals   `json:"Totals"`
}

type acknowledgeBody struct {
	OrderID string         `json:"OrderId"`
	Status  int            `json:"Status"`
	Reason  string         `json:"Reason"`
	Lines   []LineQuantity `json:"Lines"`
}

type shipBody struct {
	OrderID            string         `json:"OrderId"`
	ExternalShipmentID string         `json:"ExternalShipmentId"`
	TrackingNumber     string         `json:"TrackingNumber"`
	CarrierCode        string         `json:"CarrierCode"`
	CarrierMethod      string         `json:"CarrierMethod"`
	ShipDate           string         `json:"ShipDate"`
	Lines              []LineQuantity `json:"Lines"`
}

type voidBody struct {
	OrderID            string `json:"OrderId"`
	ExternalShipmentID string `json:"ExternalShipmentId"`
}

type cancelBody struct {
	OrderID string         `json:"OrderId"`
	Type    string         `json:"Type"`
	Reason  string         `json:"Reason"`
	Lines   []LineQuantity `json:"Lines"`
}

// duplicateMessage is the Info message of a repeated write.
func duplicateMessage() Message {
	return Message{Severity: "Info", Code: "Duplicate", Description: "already applied; nothing changed"}
}

// createPurchaseOrder is POST /v2/orders/purchase, idempotent on PartnerReference.
func (s *Server) createPurchaseOrder(w http.ResponseWriter, r *http.Request) {
	var body purchaseBody
	if !s.decode(w, r, &body) {
		return
	}
	const endpoint = "/v2/orders/purchase"
	if body.PartnerReference == "" {
		s.fail(w, http.StatusBadRequest, "ValidationError", "PartnerReference is required")
		return
	}
	if id, ok := s.partnerRefs[body.PartnerReference]; ok {
		s.logWrite(endpoint, body.PartnerReference, true)
		s.respond(w, cloneOrder(*s.purchase.order(id)), nil, duplicateMessage())
		return
	}
	if len(body.Lines) == 0 {
		s.fail(w, http.StatusBadRequest, "ValidationError", "Lines must not be empty")
		return
	}
	for i, l := range body.Lines {
		if l.SKU == "" || l.Quantity < 1 {
			s.fail(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Lines[%d] needs a SKU and a positive Quantity", i))
			return
		}
	}
	ref := body.PartnerReference
	o := s.addOrder(&s.purchase, Order{
		OrderNumber: body.OrderNumber, PartnerReference: &ref, Status: statusOpen,
		Channel: body.Channel, Customer: body.Customer, ShipTo: body.ShipTo, Lines: body.Lines,
		Shipping: body.Shipping, WarehouseCode: body.WarehouseCode, Totals: body.Totals,
	})
	s.partnerRefs[ref] = o.ID
	s.logWrite(endpoint, ref, false)
	s.respond(w, o, nil)
}

// acknowledge is POST /v2/orders/fulfillment/acknowledge, idempotent on OrderId + Status.
func (s *Server) acknowledge(w http.ResponseWriter, r *http.Request) {
	var body acknowledgeBody
	if !s.decode(w, r, &body) {
		return
	}
	const endpoint = "/v2/orders/fulfillment/acknowledge"
	if body.OrderID == "" || (body.Status != 1 && body.Status != 2) {
		s.fail(w, http.StatusBadRequest, "ValidationError", "OrderId and Status 1 (accepted) or 2 (rejected) are required")
		return
	}
	o, ok := s.lookup(w, body.OrderID)
	if !ok {
		return
	}
	key := body.OrderID + "/" + strconv.Itoa(body.Status)
	if s.writeKeys[endpoint+" "+key] {
		s.logWrite(endpoint, key, true)
		s.respond(w, cloneOrder(*o), nil, duplicateMessage())
		return
	}
	if o.Status == statusCanceled {
		s.fail(w, http.StatusConflict, "Conflict", "order is canceled")
		return
	}
	if msg := checkLines(o, body.Lines, func(l Line) int { return l.Quantity }); msg != "" {
		s.fail(w, http.StatusBadRequest, "ValidationError", msg)
		return
	}
	s.writeKeys[endpoint+" "+key] = true
	s.acks[o.ID] = append(s.acks[o.ID], Acknowledgement{Status: body.Status, Reason: body.Reason, Lines: body.Lines, CreatedAt: s.stamp()})
	s.touch(o)
	s.logWrite(endpoint, key, false)
	s.respond(w, cloneOrder(*o), nil)
}

// ship is POST /v2/orders/fulfillment/ship, idempotent on ExternalShipmentId.
func (s *Server) ship(w http.ResponseWriter, r *http.Request) {
	var body shipBody
	if !s.decode(w, r, &body) {
		return
	}
	const endpoint = "/v2/orders/fulfillment/ship"
	if body.OrderID == "" || body.ExternalShipmentID == "" || len(body.Lines) == 0 {
		s.fail(w, http.StatusBadRequest, "ValidationError", "OrderId, ExternalShipmentId and Lines are required")
		return
	}
	if owner, ok := s.shipKeys[body.ExternalShipmentID]; ok {
		if owner != body.OrderID {
			s.fail(w, http.StatusConflict, "Conflict", "ExternalShipmentId belongs to another order")
			return
		}
		s.logWrite(endpoint, body.ExternalShipmentID, true)
		s.respond(w, cloneOrder(*s.fulfillment.order(owner)), nil, duplicateMessage())
		return
	}
	o, ok := s.lookup(w, body.OrderID)
	if !ok {
		return
	}
	if o.Status == statusCanceled {
		s.fail(w, http.StatusConflict, "Conflict", "order is canceled")
		return
	}
	if msg := checkLines(o, body.Lines, func(l Line) int { return l.Quantity - shipped(o, l.ID) }); msg != "" {
		s.fail(w, http.StatusBadRequest, "ValidationError", msg)
		return
	}
	o.Shipments = append(o.Shipments, Shipment{
		ID: newID(), ExternalShipmentID: body.ExternalShipmentID, TrackingNumber: body.TrackingNumber,
		CarrierCode: body.CarrierCode, CarrierMethod: body.CarrierMethod, ShipDate: body.ShipDate,
		Lines: append([]LineQuantity{}, body.Lines...),
	})
	if fullyShipped(o) {
		o.Status = statusShipped
	}
	s.touch(o)
	s.shipKeys[body.ExternalShipmentID] = o.ID
	s.logWrite(endpoint, body.ExternalShipmentID, false)
	s.respond(w, cloneOrder(*o), nil)
}

// void is POST /v2/orders/fulfillment/ship/void, idempotent on ExternalShipmentId.
func (s *Server) void(w http.ResponseWriter, r *http.Request) {
	var body voidBody
	if !s.decode(w, r, &body) {
		return
	}
	const endpoint = "/v2/orders/fulfillment/ship/void"
	if body.OrderID == "" || body.ExternalShipmentID == "" {
		s.fail(w, http.StatusBadRequest, "ValidationError", "OrderId and ExternalShipmentId are required")
		return
	}
	o, ok := s.lookup(w, body.OrderID)
	if !ok {
		return
	}
	i := -1
	for j := range o.Shipments {
		if o.Shipments[j].ExternalShipmentID == body.ExternalShipmentID {
			i = j
		}
	}
	if i < 0 {
		s.fail(w, http.StatusNotFound, "NotFound", "unknown shipment")
		return
	}
	if o.Shipments[i].Voided {
		s.logWrite(endpoint, body.ExternalShipmentID, true)
		s.respond(w, cloneOrder(*o), nil, duplicateMessage())
		return
	}
	o.Shipments[i].Voided = true
	if o.Status == statusShipped && !fullyShipped(o) {
		o.Status = statusOpen
	}
	s.touch(o)
	s.logWrite(endpoint, body.ExternalShipmentID, false)
	s.respond(w, cloneOrder(*o), nil)
}

// cancel is POST /v2/orders/fulfillment/cancel, idempotent on OrderId + Type.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	var body cancelBody
	if !s.decode(w, r, &body) {
		return
	}
	const endpoint = "/v2/orders/fulfillment/cancel"
	if body.OrderID == "" || (body.Type != "Soft" && body.Type != "Hard") {
		s.fail(w, http.StatusBadRequest, "ValidationError", `OrderId and Type "Soft" or "Hard" are required`)
		return
	}
	o, ok := s.lookup(w, body.OrderID)
	if !ok {
		return
	}
	key := body.OrderID + "/" + body.Type
	if s.writeKeys[endpoint+" "+key] {
		s.logWrite(endpoint, key, true)
		s.respond(w, cloneOrder(*o), nil, duplicateMessage())
		return
	}
	switch o.Status {
	case statusShipped:
		s.fail(w, http.StatusConflict, "Conflict", "order is shipped")
		return
	case statusCanceled:
		s.fail(w, http.StatusConflict, "Conflict", "order is canceled")
		return
	}
	if msg := checkLines(o, body.Lines, func(l Line) int { return l.Quantity }); msg != "" {
		s.fail(w, http.StatusBadRequest, "ValidationError", msg)
		return
	}
	if body.Type == "Soft" {
		o.SubStatus = subStatusSoftCancel
	} else {
		o.Status = statusCanceled
	}
	o.Cancellations = append(o.Cancellations, Cancellation{Type: body.Type, Reason: body.Reason, CreatedAt: s.stamp()})
	s.touch(o)
	s.writeKeys[endpoint+" "+key] = true
	s.logWrite(endpoint, key, false)
	s.respond(w, cloneOrder(*o), nil)
}

// lookup finds a fulfillment order, answering 404 when there is none.
func (s *Server) lookup(w http.ResponseWriter, id string) (*Order, bool) {
	o := s.fulfillment.order(id)
	if o == nil {
		s.fail(w, http.StatusNotFound, "NotFound", "unknown order")
		return nil, false
	}
	return o, true
}

func (s *Server) logWrite(endpoint, key string, duplicate bool) {
	s.writes = append(s.writes, Write{Endpoint: endpoint, Key: key, Duplicate: duplicate})
}

// checkLines validates requested line quantities: known LineIds, positive
// quantities, and per line a total within limit. It returns the problem or "".
func checkLines(o *Order, lines []LineQuantity, limit func(Line) int) string {
	want := map[string]int{}
	for _, l := range lines {
		if l.Quantity < 1 {
			return fmt.Sprintf("line %q: Quantity must be positive", l.LineID)
		}
		want[l.LineID] += l.Quantity
	}
	for id, q := range want {
		line, ok := findLine(o, id)
		if !ok {
			return fmt.Sprintf("unknown LineId %q", id)
		}
		if q > limit(line) {
			return fmt.Sprintf("line %q: Quantity %d exceeds the %d available", id, q, limit(line))
		}
	}
	return ""
}

func findLine(o *Order, id string) (Line, bool) {
	for _, l := range o.Lines {
		if l.ID == id {
			return l, true
		}
	}
	return Line{}, false
}

// shipped is the quantity of a line in the order's shipments that are not voided.
func shipped(o *Order, lineID string) int {
	n := 0
	for _, sh := range o.Shipments {
		if sh.Voided {
			continue
		}
		for _, l := range sh.Lines {
			if l.LineID == lineID {
				n += l.Quantity
			}
		}
	}
	return n
}

func fullyShipped(o *Order) bool {
	for _, l := range o.Lines {
		if shipped(o, l.ID) < l.Quantity {
			return false
		}
	}
	return true
}

// decode reads the JSON body into v, answering 400 for bad JSON or for a field
// name that is not exactly a documented one (encoding/json alone would accept
// "OrderID" for "OrderId").
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err == nil {
		err = exactFieldNames(data, v)
	}
	if err != nil {
		s.fail(w, http.StatusBadRequest, "ValidationError", "bad request body: "+err.Error())
		return false
	}
	return true
}

// exactFieldNames reports the first field of data that v's JSON form lacks.
func exactFieldNames(data []byte, v any) error {
	var sent, known any
	canonical, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &sent); err != nil {
		return err
	}
	if err := json.Unmarshal(canonical, &known); err != nil {
		return err
	}
	if name := unknownField(sent, known); name != "" {
		return fmt.Errorf("unknown field %q", name)
	}
	return nil
}

func unknownField(sent, known any) string {
	switch s := sent.(type) {
	case map[string]any:
		k, _ := known.(map[string]any)
		for name, v := range s {
			kv, ok := k[name]
			if !ok {
				return name
			}
			if inner := unknownField(v, kv); inner != "" {
				return name + "." + inner
			}
		}
	case []any:
		k, _ := known.([]any)
		for i, v := range s {
			if i < len(k) {
				if inner := unknownField(v, k[i]); inner != "" {
					return strconv.Itoa(i) + "." + inner
				}
			}
		}
	}
	return ""
}
