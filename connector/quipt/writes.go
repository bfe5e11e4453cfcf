package quipt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/shipsync/shipsync/connector/jsonscan"
)

// Acknowledge statuses.
const (
	AckAccepted = 1
	AckRejected = 2
)

// Cancel types.
const (
	CancelSoft = "Soft" // warehouse cancels its shipment; order stays open for reassignment (SubStatus 95)
	CancelHard = "Hard" // quantities cancelled, order cancelled (Status 16), refund started
)

// NewPurchaseOrder is the body of PurchaseOrders.Create: an order without Id,
// Status and Shipments. PartnerReference ("shipstation:<orderId>") is the
// idempotency key and is required.
type NewPurchaseOrder struct {
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

// AcknowledgeRequest accepts or rejects a fulfillment order; idempotent on
// OrderID + Status.
type AcknowledgeRequest struct {
	OrderID string         `json:"OrderId"`
	Status  int            `json:"Status"` // AckAccepted or AckRejected
	Reason  string         `json:"Reason"`
	Lines   []LineQuantity `json:"Lines"`
}

// ShipRequest adds one package to a fulfillment order; idempotent on
// ExternalShipmentID ("shipstation:<shipmentId>" or
// "shipstation-fulfillment:<fulfillmentId>").
type ShipRequest struct {
	OrderID            string         `json:"OrderId"`
	ExternalShipmentID string         `json:"ExternalShipmentId"`
	TrackingNumber     string         `json:"TrackingNumber"`
	CarrierCode        string         `json:"CarrierCode"`
	CarrierMethod      string         `json:"CarrierMethod"`
	ShipDate           string         `json:"ShipDate"` // yyyy-mm-dd
	Lines              []LineQuantity `json:"Lines"`    // must not be empty
}

// VoidRequest voids one package; idempotent on ExternalShipmentID.
type VoidRequest struct {
	OrderID            string `json:"OrderId"`
	ExternalShipmentID string `json:"ExternalShipmentId"`
}

// CancelRequest cancels a fulfillment order; idempotent on OrderID + Type.
type CancelRequest struct {
	OrderID string         `json:"OrderId"`
	Type    string         `json:"Type"` // CancelSoft or CancelHard
	Reason  string         `json:"Reason"`
	Lines   []LineQuantity `json:"Lines"`
}

// Create creates a purchase order (POST /v2/orders/purchase) and returns
// its new Id, the one field of the answer read. duplicate is true when an
// order with the same PartnerReference already existed; the Id is then that
// order's. An answer whose Id cannot be read, after Quipt applied the
// create, is an error wrapping ErrAppliedUnreadable.
func (s *PurchaseOrdersService) Create(ctx context.Context, po NewPurchaseOrder) (id string, duplicate bool, err error) {
	if po.PartnerReference == "" {
		return "", false, fmt.Errorf("%w: purchase order has no PartnerReference", ErrInvalidRequest)
	}
	if len(po.Lines) == 0 {
		return "", false, fmt.Errorf("%w: purchase order %s has no Lines", ErrInvalidRequest, po.PartnerReference)
	}
	var unreadable error = errNoResult
	env, err := s.client.write(ctx, "/v2/orders/purchase", &po, func(raw []byte) error {
		id, unreadable = resultID(raw)
		return nil
	})
	if err != nil {
		return "", false, err
	}
	if unreadable != nil {
		return "", env.duplicate(), fmt.Errorf("quipt: purchase order %s: %w: %w", po.PartnerReference, ErrAppliedUnreadable, unreadable)
	}
	return id, env.duplicate(), nil
}

// errNoResult is an answer without a Result.
var errNoResult = errors.New("answer has no Result")

// resultID reads the Id of the order a write answered with (its Result),
// skipping the rest of it.
func resultID(raw []byte) (string, error) {
	if raw[0] != '{' {
		return "", fmt.Errorf("answer's Result is not an order: %.20s", raw)
	}
	value, err := idMember(raw)
	if err != nil {
		return "", err
	}
	if value == nil {
		return "", errors.New("order has no Id")
	}
	id, err := jsonscan.String(value)
	switch {
	case err != nil:
		return "", fmt.Errorf("order Id: %w", err)
	case id == "":
		return "", errors.New("order has no Id")
	}
	return id, nil
}

// Acknowledge accepts or rejects a fulfillment order
// (POST /v2/orders/fulfillment/acknowledge). duplicate is true when the same
// OrderID + Status had been acknowledged before.
func (s *FulfillmentOrdersService) Acknowledge(ctx context.Context, req AcknowledgeRequest) (duplicate bool, err error) {
	var problems []error
	if req.OrderID == "" {
		problems = append(problems, errors.New("empty OrderId"))
	}
	if req.Status != AckAccepted && req.Status != AckRejected {
		problems = append(problems, fmt.Errorf("status %d is neither accepted (1) nor rejected (2)", req.Status))
	}
	return s.client.fulfillmentWrite(ctx, "/v2/orders/fulfillment/acknowledge", &req, problems)
}

// Ship adds a package to a fulfillment order (POST /v2/orders/fulfillment/ship).
// duplicate is true when the ExternalShipmentID had been shipped before.
func (s *FulfillmentOrdersService) Ship(ctx context.Context, req ShipRequest) (duplicate bool, err error) {
	var problems []error
	if req.OrderID == "" {
		problems = append(problems, errors.New("empty OrderId"))
	}
	if req.ExternalShipmentID == "" {
		problems = append(problems, errors.New("empty ExternalShipmentId"))
	}
	if len(req.Lines) == 0 {
		problems = append(problems, errors.New("empty Lines"))
	}
	for i, l := range req.Lines {
		if l.LineID == "" || l.Quantity < 1 {
			problems = append(problems, fmt.Errorf("line %d needs a LineId and a positive Quantity", i))
		}
	}
	return s.client.fulfillmentWrite(ctx, "/v2/orders/fulfillment/ship", &req, problems)
}

// VoidShipment voids a package (POST /v2/orders/fulfillment/ship/void).
// duplicate is true when it had been voided before.
func (s *FulfillmentOrdersService) VoidShipment(ctx context.Context, req VoidRequest) (duplicate bool, err error) {
	var problems []error
	if req.OrderID == "" {
		problems = append(problems, errors.New("empty OrderId"))
	}
	if req.ExternalShipmentID == "" {
		problems = append(problems, errors.New("empty ExternalShipmentId"))
	}
	return s.client.fulfillmentWrite(ctx, "/v2/orders/fulfillment/ship/void", req, problems)
}

// Cancel cancels a fulfillment order (POST /v2/orders/fulfillment/cancel).
// duplicate is true when the same OrderID + Type had been applied before.
func (s *FulfillmentOrdersService) Cancel(ctx context.Context, req CancelRequest) (duplicate bool, err error) {
	var problems []error
	if req.OrderID == "" {
		problems = append(problems, errors.New("empty OrderId"))
	}
	if req.Type != CancelSoft && req.Type != CancelHard {
		problems = append(problems, fmt.Errorf("type %q is neither %q nor %q", req.Type, CancelSoft, CancelHard))
	}
	return s.client.fulfillmentWrite(ctx, "/v2/orders/fulfillment/cancel", req, problems)
}

// fulfillmentWrite rejects a write with problems before sending, else sends
// it and reports whether the server saw a duplicate.
func (c *Client) fulfillmentWrite(ctx context.Context, path string, body any, problems []error) (bool, error) {
	if len(problems) > 0 {
		return false, fmt.Errorf("%w: POST %s: %w", ErrInvalidRequest, path, errors.Join(problems...))
	}
	env, err := c.write(ctx, path, body, nil)
	if err != nil {
		return false, err
	}
	return env.duplicate(), nil
}

// write POSTs body as JSON to path (encoded by its own appendJSON when it
// has one, a bodyAppender, else by json.Marshal) and reads the answer in one
// scan, handing the bytes of its Result to result (see readAnswer). Writes are
// idempotent on their keys, so they are retried like reads.
func (c *Client) write(ctx context.Context, path string, body any, result func(raw []byte) error) (*envelope, error) {
	var data []byte
	var err error
	if a, ok := body.(bodyAppender); ok {
		data, err = a.appendJSON(make([]byte, 0, 1024))
	} else {
		data, err = json.Marshal(body)
	}
	if err != nil {
		return nil, fmt.Errorf("quipt: POST %s: encode body: %w", path, err)
	}
	req := request{method: http.MethodPost, template: path, path: path, query: url.Values{}, body: data}
	a, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	return readAnswer(req, a, result)
}
