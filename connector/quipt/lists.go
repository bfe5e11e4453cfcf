package quipt

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// MaxPageSize is the largest page Quipt serves; the iterators use it.
const MaxPageSize = 200

// Values of the list calls' include parameter.
const (
	IncludeShipments     = "Shipments"
	IncludeCancellations = "Cancellations"
)

// Path templates, as reported to the Observer and in errors.
const (
	endpointFulfillmentList = "/v2/orders/fulfillment/{pageSize}/{pageNumber}"
	endpointFulfillmentByID = "/v2/orders/fulfillment/id/{id}"
	endpointPurchaseList    = "/v2/orders/purchase/{pageSize}/{pageNumber}"
	endpointInventoryList   = "/v2/inventory/physical/{pageSize}/{pageNumber}"
)

// FulfillmentListOptions filter FulfillmentOrders.List.
type FulfillmentListOptions struct {
	// Statuses are the order statuses to list (e.g. StatusOpen, StatusPending);
	// empty lists every status.
	Statuses []int
	// Include names the optional arrays to return (IncludeShipments,
	// IncludeCancellations); without them those arrays are absent.
	Include []string
}

// PurchaseListOptions filter PurchaseOrders.List.
type PurchaseListOptions struct {
	// Statuses are the order statuses to list; empty lists every status.
	Statuses []int
	// Include names the optional arrays to return.
	Include []string
}

// List walks the orders Quipt expects the merchant to fulfil, MaxPageSize at
// a time, from page 1 until HasMoreRecords is false or a page is empty. After
// an error it yields (nil, err) once and stops.
func (s *FulfillmentOrdersService) List(ctx context.Context, opts FulfillmentListOptions) iter.Seq2[*Page[Order], error] {
	return listPages(ctx, s.client, "/v2/orders/fulfillment", endpointFulfillmentList, listQuery(opts.Statuses, opts.Include), s.client.orders.Read, validateOrder)
}

// List walks the orders placed through the Retailer API (the ones Create
// made), like FulfillmentOrdersService.List.
func (s *PurchaseOrdersService) List(ctx context.Context, opts PurchaseListOptions) iter.Seq2[*Page[Order], error] {
	return listPages(ctx, s.client, "/v2/orders/purchase", endpointPurchaseList, listQuery(opts.Statuses, opts.Include), s.client.orders.Read, validateOrder)
}

// List walks the physical inventory records, like FulfillmentOrdersService.List.
func (s *InventoryService) List(ctx context.Context) iter.Seq2[*Page[InventoryItem], error] {
	return listPages(ctx, s.client, "/v2/inventory/physical", endpointInventoryList, url.Values{}, readInventoryItem, validateInventoryItem)
}

// Get fetches one fulfillment order, with its shipments and
// cancellations: it always sends include=Shipments,Cancellations, since Quipt
// leaves those arrays out unless asked and the callers (sync-tracking,
// sync-cancels) decide on them. An unknown id is an *APIError with
// StatusCode 404.
func (s *FulfillmentOrdersService) Get(ctx context.Context, id string) (*Order, error) {
	if id == "" {
		return nil, fmt.Errorf("%w: fulfillment order id is empty", ErrInvalidRequest)
	}
	env, err := s.client.do(ctx, request{
		method:   http.MethodGet,
		template: endpointFulfillmentByID,
		path:     "/v2/orders/fulfillment/id/" + url.PathEscape(id),
		query:    listQuery(nil, []string{IncludeShipments, IncludeCancellations}),
	})
	if err != nil {
		return nil, err
	}
	order, err := decodeItem(env.Result, s.client.orders.Decode, validateOrder)
	if err != nil {
		return nil, fmt.Errorf("quipt: fulfillment order %s: %w: %w", id, ErrMalformed, err)
	}
	return &order, nil
}

// Ping makes the cheapest authenticated call (one fulfillment order) to check
// the base URL and the credentials.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.do(ctx, request{
		method:   http.MethodGet,
		template: endpointFulfillmentList,
		path:     "/v2/orders/fulfillment/1/1",
		query:    url.Values{},
	})
	return err
}

// listQuery builds the orderStatus and include parameters.
func listQuery(statuses []int, include []string) url.Values {
	q := url.Values{}
	if len(statuses) > 0 {
		s := make([]string, len(statuses))
		for i, st := range statuses {
			s[i] = strconv.Itoa(st)
		}
		q.Set("orderStatus", strings.Join(s, ","))
	}
	if len(include) > 0 {
		q.Set("include", strings.Join(include, ","))
	}
	return q
}

// listPages walks a paged list at MaxPageSize per page.
func listPages[T any](ctx context.Context, c *Client, prefix, template string, query url.Values,
	decode jsonfields.Field[T], validate func(*T) error) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		for number := 1; ; number++ {
			req := request{
				method:   http.MethodGet,
				template: template,
				path:     fmt.Sprintf("%s/%d/%d", prefix, MaxPageSize, number),
				query:    query,
			}
			a, err := c.send(ctx, req)
			if err != nil {
				yield(nil, err)
				return
			}
			page, err := readPage(req, a, number, decode, validate)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page.Items) == 0 && len(page.Invalid) == 0 {
				return
			}
			if !yield(page, nil) || !page.HasMore {
				return
			}
		}
	}
}
