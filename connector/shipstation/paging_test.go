package shipstation

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// orderPage writes a /orders envelope with the given order IDs.
func orderPage(t *testing.T, w http.ResponseWriter, ids []int64, total, page, pages int) {
	t.Helper()
	orders := make([]Order, len(ids))
	for i, id := range ids {
		orders[i] = Order{OrderID: id, OrderNumber: "N-" + strconv.FormatInt(id, 10)}
	}
	writeJSON(t, w, 200, map[string]any{"orders": orders, "total": total, "page": page, "pages": pages})
}

// collect walks all pages and returns the order IDs, the pages seen and the error.
func collect(t *testing.T, c *Client, opts OrderListOptions) (ids []int64, pages int, err error) {
	t.Helper()
	for page, err := range c.Orders.Pages(t.Context(), opts) {
		if err != nil {
			return ids, pages, err
		}
		pages++
		for _, o := range page.Items {
			ids = append(ids, o.OrderID)
		}
	}
	return ids, pages, nil
}

func TestPagesStopRules(t *testing.T) {
	tests := []struct {
		name      string
		pageSize  int
		serve     func(t *testing.T, w http.ResponseWriter, page int)
		wantIDs   []int64
		wantPages int
		wantHits  int32
	}{
		{
			name: "stops when page reaches pages",
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				orderPage(t, w, []int64{int64(page)}, 3, page, 3)
			},
			wantIDs: []int64{1, 2, 3}, wantPages: 3, wantHits: 3,
		},
		{
			name: "pages 0 on a page with items",
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				orderPage(t, w, []int64{10, 11}, 2, 1, 0)
			},
			wantIDs: []int64{10, 11}, wantPages: 1, wantHits: 1,
		},
		{
			name: "empty page stops even if pages says more",
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				if page == 1 {
					orderPage(t, w, []int64{1}, 9, 1, 9)
					return
				}
				orderPage(t, w, nil, 9, page, 9)
			},
			wantIDs: []int64{1}, wantPages: 1, wantHits: 2,
		},
		{
			name: "empty first page yields nothing",
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				writeJSON(t, w, 200, map[string]any{"orders": nil, "total": 0, "page": 1, "pages": 0})
			},
			wantPages: 0, wantHits: 1,
		},
		{
			name:     "pages 0 but total says more: read on until empty",
			pageSize: 2,
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				switch page {
				case 1:
					orderPage(t, w, []int64{1, 2}, 3, 1, 0)
				case 2:
					orderPage(t, w, []int64{3}, 3, 2, 0)
				default:
					t.Errorf("page %d requested", page)
				}
			},
			wantIDs: []int64{1, 2, 3}, wantPages: 2, wantHits: 2,
		},
		{
			name:     "server serves fewer items per page than asked: total decides",
			pageSize: 500,
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				switch page {
				case 1:
					orderPage(t, w, []int64{1, 2}, 5, 1, 0)
				case 2:
					orderPage(t, w, []int64{3, 4}, 5, 2, 0)
				case 3:
					orderPage(t, w, []int64{5}, 5, 3, 0)
				default:
					t.Errorf("page %d requested", page)
				}
			},
			wantIDs: []int64{1, 2, 3, 4, 5}, wantPages: 3, wantHits: 3,
		},
		{
			name:     "no pages and no total: read on while pages are full",
			pageSize: 2,
			serve: func(t *testing.T, w http.ResponseWriter, page int) {
				switch page {
				case 1:
					_, _ = w.Write([]byte(`{"orders":[{"orderId":1},{"orderId":2}]}`))
				case 2:
					_, _ = w.Write([]byte(`{"orders":[{"orderId":3}]}`))
				default:
					t.Errorf("page %d requested", page)
				}
			},
			wantIDs: []int64{1, 2, 3}, wantPages: 2, wantHits: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux, _ := setup(t)
			var hits atomic.Int32
			mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				page, err := strconv.Atoi(r.URL.Query().Get("page"))
				if err != nil || page != int(hits.Load()) {
					t.Errorf("request %d asked for page %q", hits.Load(), r.URL.Query().Get("page"))
				}
				tt.serve(t, w, page)
			})
			ids, pages, err := collect(t, c, OrderListOptions{PageSize: tt.pageSize})
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(ids, tt.wantIDs) || pages != tt.wantPages || hits.Load() != tt.wantHits {
				t.Errorf("ids %v, pages %d, hits %d; want %v, %d, %d", ids, pages, hits.Load(), tt.wantIDs, tt.wantPages, tt.wantHits)
			}
		})
	}
}

func TestPagesPageSize(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, 500}, {-3, 500}, {50, 50}, {500, 500}, {1000, 500}} {
		c, mux, _ := setup(t)
		mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
			if got := r.URL.Query().Get("pageSize"); got != strconv.Itoa(tt.want) {
				t.Errorf("PageSize %d sent pageSize=%s, want %d", tt.in, got, tt.want)
			}
			orderPage(t, w, []int64{1}, 1, 1, 1)
		})
		if _, _, err := collect(t, c, OrderListOptions{PageSize: tt.in}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPagesMalformedItemDoesNotFailThePage(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"orders":[
			{"orderId":1,"orderNumber":"A","createDate":"2025-03-08T19:43:11.2870000"},
			{"orderId":2,"orderNumber":"B","createDate":"not a date"},
			{"orderId":3,"orderNumber":7},
			{"orderId":"x4","orderNumber":"D"},
			[1,2],
			{"orderId":6,"orderNumber":"F","items":[{"name":"Mug","quantity":2}]}
		],"total":6,"page":1,"pages":1}`)
	})
	var got []*Page[Order]
	for page, err := range c.Orders.Pages(t.Context(), OrderListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page)
	}
	if len(got) != 1 {
		t.Fatalf("%d pages, want 1", len(got))
	}
	p := got[0]
	if len(p.Items) != 2 || p.Items[0].OrderID != 1 || p.Items[1].OrderID != 6 || p.Items[1].Items[0].Quantity != 2 {
		t.Errorf("items = %+v", p.Items)
	}
	wantInvalid := []struct {
		index int
		id    int64
	}{{1, 2}, {2, 3}, {3, 0}, {4, 0}}
	if len(p.Invalid) != len(wantInvalid) {
		t.Fatalf("invalid = %+v", p.Invalid)
	}
	for i, w := range wantInvalid {
		inv := p.Invalid[i]
		if inv.Index != w.index || inv.ID != w.id || inv.Err == nil || !json.Valid(inv.Raw) {
			t.Errorf("invalid[%d] = index %d, id %d, err %v, raw %s; want index %d, id %d", i, inv.Index, inv.ID, inv.Err, inv.Raw, w.index, w.id)
		}
	}
	if p.Total != 6 || p.Page != 1 || p.Pages != 1 {
		t.Errorf("counts = %d, %d, %d", p.Total, p.Page, p.Pages)
	}
}

// TestPagesGarbledItemIsInvalidNotThePage: an item that is not well-formed
// JSON but whose brackets and strings close is found to be so by its
// decoding, and dead-lettered like any bad item; the page goes on. A
// garbled envelope member fails the page.
func TestPagesGarbledItemIsInvalidNotThePage(t *testing.T) {
	c, mux, _ := setup(t)
	var garbledEnvelope atomic.Bool
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		extra := `"labels":[1,2]`
		if garbledEnvelope.Load() {
			extra = `"labels":[1 2]`
		}
		// Nested deeper than encoding/json allows (jsonscan's limit).
		deep := strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001)
		fmt.Fprintf(w, `{"orders":[
			{"orderId":1,"orderNumber":"A"},
			{"orderId":2,"orderNumber":tru},
			{"orderId":3 "orderNumber":"C"},
			{"orderId":4,"shipTo":{"name":"D",}},
			{"orderId":5,"orderNumber":"E","unknown":[01]},
			{"orderId":7,"orderNumber":"G","unknown":%s},
			{"orderId":6,"orderNumber":"F"}
		],%s,"total":7,"page":1,"pages":1}`, deep, extra)
	})
	ids, _, err := collect(t, c, OrderListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != "[1 6]" {
		t.Errorf("decoded orders %v, want [1 6]", ids)
	}
	var invalid []int
	for page, err := range c.Orders.Pages(t.Context(), OrderListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range page.Invalid {
			invalid = append(invalid, inv.Index)
		}
	}
	if fmt.Sprint(invalid) != "[1 2 3 4 5]" {
		t.Errorf("invalid items at %v, want [1 2 3 4 5]", invalid)
	}
	garbledEnvelope.Store(true)
	if _, _, err := collect(t, c, OrderListOptions{}); err == nil {
		t.Error("a garbled envelope member did not fail the page")
	}
}

func TestPagesYieldErrorAndStop(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			orderPage(t, w, []int64{1}, 3, 1, 3)
			return
		}
		writeJSON(t, w, 400, map[string]string{"message": "bad page"})
	})
	var errs []error
	var pages int
	for page, err := range c.Orders.Pages(t.Context(), OrderListOptions{}) {
		if err != nil {
			errs = append(errs, err)
			continue // the iterator must stop by itself
		}
		if page == nil {
			t.Fatal("nil page without error")
		}
		pages++
	}
	var apiErr *APIError
	if pages != 1 || len(errs) != 1 || !errors.As(errs[0], &apiErr) || apiErr.StatusCode != 400 || hits.Load() != 2 {
		t.Errorf("pages %d, errors %v, hits %d", pages, errs, hits.Load())
	}
}

func TestPagesMalformedEnvelope(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"orders": {"not": "a list"}, "page": 1}`)
	})
	_, _, err := collect(t, c, OrderListOptions{})
	if err == nil || IsPermanent(err) {
		t.Errorf("err = %v, want a decode error", err)
	}
}

func TestPagesTruncatedBodyFailsThePage(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"total":3,"page":1,"pages":1,"orders":[{"orderId":1,"orderNumber":"A"},{"orderId":2,"orde`)
	})
	ids, pages, err := collect(t, c, OrderListOptions{})
	if err == nil || IsPermanent(err) || pages != 0 || len(ids) != 0 {
		t.Errorf("%d pages (%v), err = %v; want no page and a decode error", pages, ids, err)
	}
}

func TestPagesBreakStopsFetching(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		orderPage(t, w, []int64{1}, 10, int(hits.Load()), 10)
	})
	for _, err := range c.Orders.Pages(t.Context(), OrderListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d after breaking on the first page", hits.Load())
	}
}
