package shipstation

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// MaxCreateOrders is how many orders one createorders call accepts.
const MaxCreateOrders = 100

// OrdersService handles /orders.
type OrdersService service

// OrderListOptions filters GET /orders. Zero values are not sent; times are
// sent as Pacific "2006-01-02 15:04:05".
type OrderListOptions struct {
	OrderStatus     string
	CreateDateStart time.Time
	CreateDateEnd   time.Time
	ModifyDateStart time.Time
	ModifyDateEnd   time.Time
	OrderDateStart  time.Time
	OrderDateEnd    time.Time
	// OrderNumber matches order numbers that start with it.
	OrderNumber string
	StoreID     int64
	// SortBy is OrderDate, ModifyDate or CreateDate; SortDir is ASC or DESC.
	SortBy  string
	SortDir string
	// PageSize defaults to (and is capped at) MaxPageSize.
	PageSize int
}

// Pages lists orders page by page; see Page for how bad items are reported.
func (s *OrdersService) Pages(ctx context.Context, opts OrderListOptions) iter.Seq2[*Page[Order], error] {
	q := query{}
	q.str("orderStatus", opts.OrderStatus)
	q.time("createDateStart", opts.CreateDateStart)
	q.time("createDateEnd", opts.CreateDateEnd)
	q.time("modifyDateStart", opts.ModifyDateStart)
	q.time("modifyDateEnd", opts.ModifyDateEnd)
	q.time("orderDateStart", opts.OrderDateStart)
	q.time("orderDateEnd", opts.OrderDateEnd)
	q.str("orderNumber", opts.OrderNumber)
	q.id("storeId", opts.StoreID)
	q.str("sortBy", opts.SortBy)
	q.str("sortDir", opts.SortDir)
	return pages[Order](ctx, s.client, listSpec{
		path: "/orders", query: url.Values(q), pageSize: opts.PageSize, itemsKey: "orders", idKey: "orderId",
	}, s.client.orderDecoders.order.Read)
}

// ListByTagOptions selects GET /orders/listbytag; both OrderStatus and TagID
// are required by ShipStation. The endpoint has no date filter.
type ListByTagOptions struct {
	OrderStatus string
	TagID       int64
	// PageSize defaults to (and is capped at) MaxPageSize.
	PageSize int
}

// PagesByTag lists the orders with a tag and status page by page.
func (s *OrdersService) PagesByTag(ctx context.Context, opts ListByTagOptions) iter.Seq2[*Page[Order], error] {
	q := query{}
	q.str("orderStatus", opts.OrderStatus)
	q.id("tagId", opts.TagID)
	return pages[Order](ctx, s.client, listSpec{
		path: "/orders/listbytag", query: url.Values(q), pageSize: opts.PageSize, itemsKey: "orders", idKey: "orderId",
	}, s.client.orderDecoders.order.Read)
}

// Get returns one order.
func (s *OrdersService) Get(ctx context.Context, orderID int64) (*Order, error) {
	var o Order
	r := request{method: http.MethodGet, endpoint: "/orders/{id}", path: "/orders/" + strconv.FormatInt(orderID, 10)}
	if err := s.client.doJSON(ctx, r, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// AssignUser assigns the user (a GUID) to the orders. ShipStation applies it
// to all of them or, if any order is not found, to none; that case is an
// error wrapping ErrNotApplied. The call is sent at most once: when its
// outcome is unknown the error wraps ErrUncertain (read an order to learn it).
func (s *OrdersService) AssignUser(ctx context.Context, orderIDs []int64, userID string) error {
	if len(orderIDs) == 0 || userID == "" {
		return errors.New("shipstation assignuser: order IDs and user ID are required")
	}
	body := struct {
		OrderIDs []int64 `json:"orderIds"`
		UserID   string  `json:"userId"`
	}{orderIDs, userID}
	var res struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
	r := request{method: http.MethodPost, endpoint: "/orders/assignuser", path: "/orders/assignuser", body: body, atMostOnce: true}
	if err := s.client.doJSON(ctx, r, &res); err != nil {
		return err
	}
	if !res.Success {
		return r.wrap(fmt.Errorf("%w: %s", ErrNotApplied, transport.Truncate(s.client.redact(res.Message), maxErrorText)))
	}
	return nil
}

// BulkResult is the answer of createorders: one result per order sent, in order.
type BulkResult struct {
	// HasErrors is true when any order failed.
	HasErrors bool             `json:"hasErrors"`
	Results   []BulkResultItem `json:"results"`
	// Uncertain is true when an earlier attempt of the call failed after it
	// may have reached ShipStation: that attempt can still be applied later,
	// over what this one wrote (a request held past the client's timeout).
	Uncertain bool `json:"-"`
}

// BulkResultItem is the outcome for one order of a createorders call. Match
// it by OrderKey or position: a failed item may carry OrderID 0.
type BulkResultItem struct {
	OrderID      int64  `json:"orderId"`
	OrderNumber  string `json:"orderNumber"`
	OrderKey     string `json:"orderKey"`
	Success      bool   `json:"success"`
	ErrorMessage string `json:"errorMessage"`
}

// CreateOrders creates or updates (by OrderKey) up to MaxCreateOrders orders
// in one call. Read-only fields are stripped before sending. Per-order
// failures are reported in the result, not as an error. The call is repeated
// after a failed attempt; when an attempt may have been applied the result
// says so (BulkResult.Uncertain), and a failed call's error wraps
// ErrUncertain.
func (s *OrdersService) CreateOrders(ctx context.Context, orders []Order) (*BulkResult, error) {
	if len(orders) > MaxCreateOrders {
		return nil, fmt.Errorf("shipstation createorders: %d orders, at most %d per call", len(orders), MaxCreateOrders)
	}
	if len(orders) == 0 {
		return &BulkResult{}, nil
	}
	body := append(make([]byte, 0, 2048*len(orders)), '[')
	for i := range orders {
		if i > 0 {
			body = append(body, ',')
		}
		var err error
		if body, err = AppendOrder(body, &orders[i]); err != nil {
			return nil, fmt.Errorf("shipstation createorders: encode order %s: %w", orders[i].OrderKey, err)
		}
	}
	body = append(body, ']')
	var res BulkResult
	var uncertain bool
	r := request{method: http.MethodPost, endpoint: "/orders/createorders", path: "/orders/createorders", encoded: body, uncertain: &uncertain}
	if err := s.client.doJSON(ctx, r, &res); err != nil {
		return nil, err
	}
	res.Uncertain = uncertain
	return &res, nil
}

// MarkAsShippedRequest is the body of POST /orders/markasshipped.
type MarkAsShippedRequest struct {
	OrderID int64 `json:"orderId"`
	// CarrierCode is required; ShipStation stores it as free text.
	CarrierCode string `json:"carrierCode"`
	// ShipDate is a date such as "2025-03-10"; empty means today.
	ShipDate           string `json:"shipDate,omitempty"`
	TrackingNumber     string `json:"trackingNumber,omitempty"`
	NotifyCustomer     bool   `json:"notifyCustomer"`
	NotifySalesChannel bool   `json:"notifySalesChannel"`
}

// MarkAsShippedResult is the answer of markasshipped.
type MarkAsShippedResult struct {
	OrderID     int64  `json:"orderId"`
	OrderNumber string `json:"orderNumber"`
}

// MarkAsShipped marks an order shipped, which creates a fulfillment. It is
// sent at most once: when its outcome is unknown the error wraps ErrUncertain.
func (s *OrdersService) MarkAsShipped(ctx context.Context, req MarkAsShippedRequest) (*MarkAsShippedResult, error) {
	if req.OrderID == 0 || req.CarrierCode == "" {
		return nil, errors.New("shipstation markasshipped: order ID and carrier code are required")
	}
	var res MarkAsShippedResult
	r := request{method: http.MethodPost, endpoint: "/orders/markasshipped", path: "/orders/markasshipped", body: req, atMostOnce: true}
	if err := s.client.doJSON(ctx, r, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
