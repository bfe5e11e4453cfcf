package quipt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTimesAreReadLeniently(t *testing.T) {
	const doc = `{"Id":"o1","OrderNumber":"Q-1","CreatedAt":"2026-03-02T16:58:40Z","UpdatedAt":"",
		"Lines":[{"Id":"l1","SKU":"A","Quantity":1}],
		"Cancellations":[{"Type":"Soft","Reason":"...","CreatedAt":"..."}]}`
	var o Order
	err := json.Unmarshal([]byte(doc), &o)
	if err == nil {
		t.Fatal(`"..." decoded as a time`)
	}
	tests := []struct {
		raw  string
		want time.Time
	}{
		{`"2026-03-02T16:58:40Z"`, time.Date(2026, 3, 2, 16, 58, 40, 0, time.UTC)},
		{`"2026-03-02T08:58:40.5-08:00"`, time.Date(2026, 3, 2, 16, 58, 40, 500_000_000, time.UTC)},
		{`"2026-03-02T16:58:40"`, time.Date(2026, 3, 2, 16, 58, 40, 0, time.UTC)},
		{`"2026-03-02"`, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{`""`, time.Time{}},
		{`null`, time.Time{}},
	}
	for _, tt := range tests {
		var o Order
		doc := `{"Id":"o1","CreatedAt":` + tt.raw + `,"Cancellations":[{"Type":"Soft","CreatedAt":` + tt.raw + `}]}`
		if err := json.Unmarshal([]byte(doc), &o); err != nil {
			t.Errorf("%s: %v", tt.raw, err)
			continue
		}
		if !o.CreatedAt.Equal(tt.want) || !o.Cancellations[0].CreatedAt.Equal(tt.want) || o.ID != "o1" || o.Cancellations[0].Type != "Soft" {
			t.Errorf("%s: order %v, cancellation %v; want %v", tt.raw, o.CreatedAt, o.Cancellations[0].CreatedAt, tt.want)
		}
	}
	var inv InventoryItem
	if err := json.Unmarshal([]byte(`{"Id":"i1","SKU":"A","UpdatedAt":""}`), &inv); err != nil || inv.SKU != "A" || !inv.UpdatedAt.IsZero() {
		t.Errorf("inventory: %+v %v", inv, err)
	}
}

func TestMalformedOrderByIDIsPermanent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Success":true,"Messages":[],"Result":{"Id":"o1","Lines":"not a list"}}`))
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials("ck", "cs", "t", "ts"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FulfillmentOrders.Get(t.Context(), "o1")
	if !errors.Is(err, ErrMalformed) || !IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent ErrMalformed", err)
	}
}

// TestListWithoutPagingReadsOnWhilePagesAreFull: an envelope without its
// Paging block does not end a list whose page came back full.
func TestListWithoutPagingReadsOnWhilePagesAreFull(t *testing.T) {
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages = append(pages, r.URL.Path)
		n := 0
		if strings.HasSuffix(r.URL.Path, "/200/1") {
			n = MaxPageSize
		} else if strings.HasSuffix(r.URL.Path, "/200/2") {
			n = 3
		}
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"Id":"o%d"}`, i)
		}
		_, _ = w.Write([]byte(`{"Success":true,"Result":[` + strings.Join(items, ",") + `]}`))
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials("ck", "cs", "t", "ts"))
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for page, err := range c.FulfillmentOrders.List(t.Context(), FulfillmentListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got += len(page.Items)
	}
	if got != MaxPageSize+3 || len(pages) != 2 {
		t.Errorf("read %d orders in %d requests, want %d in 2", got, len(pages), MaxPageSize+3)
	}
}

func TestCreateWithUnreadableAnswerIsReportedAsApplied(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Success":true,"Messages":[],"Result":null}`))
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials("ck", "cs", "t", "ts"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.PurchaseOrders.Create(t.Context(), NewPurchaseOrder{PartnerReference: "shipstation:1", Lines: []Line{{SKU: "A", Quantity: 1}}})
	if !errors.Is(err, ErrAppliedUnreadable) {
		t.Fatalf("err = %v, want ErrAppliedUnreadable", err)
	}
}

func TestListPageCutMidResultFailsThePage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Success":true,"Paging":{"PageNumber":1,"Total":2},"Result":[{"Id":"a"},{"Id":"b","Stat`))
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials("ck", "cs", "t", "ts"))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := collect(t, c.FulfillmentOrders.List(t.Context(), FulfillmentListOptions{}))
	if err == nil || len(pages) != 0 {
		t.Fatalf("pages %v, err %v; want no page and a decode error", pages, err)
	}
}

func TestTimestampWithEscapesDecodesLikePlain(t *testing.T) {
	var plain, escaped Order
	if err := json.Unmarshal([]byte(`{"Id":"o1","CreatedAt":"2025-03-08T19:43:11Z"}`), &plain); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"Id":"o1","CreatedAt":"\u0032025-03-08T19:43:11Z"}`), &escaped); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 8, 19, 43, 11, 0, time.UTC); !plain.CreatedAt.Equal(want) || !escaped.CreatedAt.Equal(want) {
		t.Errorf("plain %v, escaped %v, want %v", plain.CreatedAt, escaped.CreatedAt, want)
	}
	var lt lenientTime
	if err := lt.UnmarshalJSON([]byte("\"2025-03-08\x01\"")); err == nil {
		t.Error("a timestamp with a control character decoded")
	}
}
