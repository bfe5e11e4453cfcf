package shipstation

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// MaxPageSize is the largest pageSize ShipStation accepts, and the default.
const MaxPageSize = 500

// Page is one page of a list endpoint.
type Page[T any] struct {
	// Items are the entries that decoded.
	Items []T
	// Invalid are the entries that did not decode; they never fail the page.
	Invalid []InvalidItem
	// Total, Page and Pages are the envelope's counts as sent by the server.
	Total, Page, Pages int
}

// Size is the number of entries of the page, the malformed ones included.
func (p *Page[T]) Size() int { return len(p.Items) + len(p.Invalid) }

// ListTotal is the number of entries of the whole list, as the server
// reported it.
func (p *Page[T]) ListTotal() int { return p.Total }

// InvalidItem is a list entry that could not be decoded.
type InvalidItem struct {
	// Index is the entry's position in its page, from 0.
	Index int
	// ID is the entry's ID when it could be read, else 0.
	ID int64
	// Err says what was wrong.
	Err error
	// Raw is the entry as received.
	Raw json.RawMessage
}

// listSpec names how one list endpoint is requested and enveloped.
type listSpec struct {
	path     string     // e.g. "/orders"
	query    url.Values // filters; page and pageSize are set per page
	pageSize int        // 0 or more than MaxPageSize means MaxPageSize
	itemsKey string     // envelope field holding the items, e.g. "orders"
	idKey    string     // item field holding its ID, e.g. "orderId"
}

// pages walks a list endpoint from page 1. It stops after the page whose
// number reaches "pages" (unless "total" says more items exist, since the
// server has been seen to send pages: 0), at the first empty page, which is
// not yielded, and at the first error, which is yielded. decode decodes one
// item.
func pages[T any](ctx context.Context, c *Client, spec listSpec, decode jsonfields.Field[T]) iter.Seq2[*Page[T], error] {
	size := spec.pageSize
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	return func(yield func(*Page[T], error) bool) {
		seen := 0
		for n := 1; ; n++ {
			q := url.Values{}
			for k, v := range spec.query {
				q[k] = v
			}
			q.Set("page", strconv.Itoa(n))
			q.Set("pageSize", strconv.Itoa(size))
			r := request{method: http.MethodGet, endpoint: spec.path, path: spec.path, query: q}
			body, err := c.do(ctx, r)
			if err != nil {
				yield(nil, err)
				return
			}
			page, err := decodePage(body, spec.itemsKey, spec.idKey, decode)
			if err != nil {
				yield(nil, r.wrap(fmt.Errorf("page %d: %w", n, err)))
				return
			}
			got := len(page.Items) + len(page.Invalid)
			if got == 0 || !yield(page, nil) {
				return
			}
			seen += got
			if lastPage(n, page.Pages, seen, page.Total, got == size) {
				return
			}
		}
	}
}

// lastPage decides whether page n ends the list. "pages" is trusted only
// together with "total", since old ShipStation examples show pages: 0 on full
// pages and a server may serve fewer items per page than asked: the walk goes
// on while fewer items than total have been read, and, when the envelope
// gives neither pages nor total, while pages come back full (an empty page
// ends it).
func lastPage(n, pages, seen, total int, full bool) bool {
	if pages == 0 && total == 0 {
		return !full
	}
	return n >= pages && seen >= total
}

// itemID reads the numeric ID field of a raw item, or returns 0.
func itemID(raw json.RawMessage, idKey string) int64 {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return 0
	}
	var id int64
	if json.Unmarshal(fields[idKey], &id) != nil {
		return 0
	}
	return id
}

// list GETs an endpoint that answers with a plain JSON array.
func list[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var out []T
	r := request{method: http.MethodGet, endpoint: path, path: path, query: q}
	if err := c.doJSON(ctx, r, &out); err != nil {
		return nil, err
	}
	return out, nil
}
