package shipstationtest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCarriersMatchTestdata(t *testing.T) {
	var want []map[string]any
	readSample(t, "carriers-list.json", &want)
	srv := start(t, WithDefaultAccount())
	var got []map[string]any
	call(t, srv, "GET", "/carriers", nil).decode(t, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("/carriers (-testdata +sandbox):\n%s", diff)
	}
}

func TestListServices(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	var services []Service
	call(t, srv, "GET", "/carriers/listservices?carrierCode=fedex", nil).decode(t, &services)
	var codes []string
	for _, s := range services {
		if s.CarrierCode != "fedex" {
			t.Errorf("service %+v of another carrier", s)
		}
		codes = append(codes, s.Code)
	}
	if diff := cmp.Diff([]string{"fedex_ground", "fedex_home_delivery", "fedex_2day"}, codes); diff != "" {
		t.Errorf("fedex services (-want +got):\n%s", diff)
	}
	call(t, srv, "GET", "/carriers/listservices?carrierCode=usps", nil).wantStatus(t, http.StatusBadRequest)
	call(t, srv, "GET", "/carriers/listservices", nil).wantStatus(t, http.StatusBadRequest)

	// Replacing the carriers makes a code unknown; empty lists are [], not null.
	srv.SetCarriers([]Carrier{{Name: "USPS", Code: "usps", ShippingProviderID: 1}})
	call(t, srv, "GET", "/carriers/listservices?carrierCode=fedex", nil).wantStatus(t, http.StatusBadRequest)
	if r := call(t, srv, "GET", "/carriers/listservices?carrierCode=usps", nil); string(r.body) != "[]" {
		t.Errorf("services of a carrier without any = %s, want []", r.body)
	}
	srv.SetServices("usps", []Service{{CarrierCode: "usps", Code: "usps_priority_mail"}})
	call(t, srv, "GET", "/carriers/listservices?carrierCode=usps", nil).decode(t, &services)
	if len(services) != 1 || services[0].Code != "usps_priority_mail" {
		t.Errorf("services after SetServices = %+v", services)
	}
}

func TestAccountLists(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	var users []User
	call(t, srv, "GET", "/users", nil).decode(t, &users)
	if diff := cmp.Diff(DefaultUsers(), users); diff != "" {
		t.Errorf("/users (-want +got):\n%s", diff)
	}
	var tags []Tag
	call(t, srv, "GET", "/accounts/listtags", nil).decode(t, &tags)
	if diff := cmp.Diff(DefaultTags(), tags); diff != "" {
		t.Errorf("/accounts/listtags (-want +got):\n%s", diff)
	}
	var stores []map[string]any
	call(t, srv, "GET", "/stores", nil).decode(t, &stores)
	if len(stores) != 2 || stores[0]["storeId"] != 88231.0 || stores[0]["storeName"] != "Web Store" ||
		stores[1]["storeName"] != "Amazon" || stores[0]["createDate"] != "2024-01-15T09:30:00" {
		t.Errorf("/stores = %v", stores)
	}
	var warehouses []map[string]any
	call(t, srv, "GET", "/warehouses", nil).decode(t, &warehouses)
	if len(warehouses) != 2 || warehouses[0]["warehouseId"] != 301456.0 || warehouses[1]["warehouseName"] != "Reno DC" {
		t.Errorf("/warehouses = %v", warehouses)
	}

	srv.SetStores([]Store{{StoreID: 1, StoreName: "Old", Active: false}})
	if r := call(t, srv, "GET", "/stores", nil); string(r.body) != "[]" {
		t.Errorf("inactive stores listed: %s", r.body)
	}
	call(t, srv, "GET", "/stores?showInactive=true", nil).decode(t, &stores)
	if len(stores) != 1 {
		t.Errorf("showInactive: %v", stores)
	}
	srv.SetUsers(nil)
	srv.SetTags(nil)
	srv.SetWarehouses(nil)
	for _, path := range []string{"/users", "/accounts/listtags", "/warehouses"} {
		if r := call(t, srv, "GET", path, nil); string(r.body) != "[]" {
			t.Errorf("%s after emptying = %s, want []", path, r.body)
		}
	}
}

func TestEmptyAccountWithoutDefaults(t *testing.T) {
	srv := start(t)
	if r := call(t, srv, "GET", "/carriers", nil); string(r.body) != "[]" {
		t.Errorf("/carriers = %s, want []", r.body)
	}
	// Orders created without a store have none to default to.
	call(t, srv, "POST", "/orders/createorder", minimalOrder("A", "k")).wantStatus(t, http.StatusOK)
	if o, _ := srv.OrderByKey("k"); o.AdvancedOptions.StoreID != nil {
		t.Errorf("storeId = %d, want null", *o.AdvancedOptions.StoreID)
	}
}

func TestProducts(t *testing.T) {
	srv := start(t)
	mug := srv.AddProduct(Product{SKU: "CMP-MUG-12-SLT", Name: "Camp Mug", Price: new(34.5)})
	old := srv.AddProduct(Product{SKU: "OLD-1", Name: "Retired", Active: new(false)})
	if mug.ProductID == 0 || mug.Active == nil || !*mug.Active || mug.CreateDate.IsZero() {
		t.Errorf("AddProduct defaults: %+v", mug)
	}
	type page struct {
		Products []map[string]json.RawMessage `json:"products"`
		Total    int                          `json:"total"`
		Pages    int                          `json:"pages"`
	}
	ids := func(p page) []int64 {
		var out []int64
		for _, pr := range p.Products {
			var id int64
			mustUnmarshal(t, pr["productId"], &id)
			out = append(out, id)
		}
		return out
	}
	for q, want := range map[string][]int64{
		"":                                    {mug.ProductID},
		"showInactive=true":                   {mug.ProductID, old.ProductID},
		"sku=cmp-mug-12-slt":                  {mug.ProductID},
		"sku=CMP":                             nil,
		"showInactive=true&pageSize=1&page=2": {old.ProductID},
	} {
		var p page
		call(t, srv, "GET", "/products?"+q, nil).decode(t, &p)
		if diff := cmp.Diff(want, ids(p)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", q, diff)
		}
	}
	call(t, srv, "GET", "/products?pageSize=501", nil).wantStatus(t, http.StatusBadRequest)
}
