package shipstation

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestShipmentsPages(t *testing.T) {
	c, mux, _ := setup(t)
	sample := mustReadFile(t, "shipments-list-page.json")
	mux.HandleFunc("GET /shipments", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{
			"createDateStart":      "2025-03-09 17:00:00",
			"createDateEnd":        "2025-03-10 17:00:00",
			"voidDateStart":        "2025-03-09 17:00:00",
			"voidDateEnd":          "2025-03-10 17:00:00",
			"shipDateStart":        "2025-03-09",
			"shipDateEnd":          "2025-03-10",
			"orderId":              "512874301",
			"storeId":              "88231",
			"includeShipmentItems": "true",
			"sortBy":               "CreateDate",
			"sortDir":              "DESC",
			"page":                 "1",
			"pageSize":             "500",
		})
		_, _ = w.Write(sample)
	})
	start, end := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
	var got []int64
	for page, err := range c.Shipments.Pages(t.Context(), ShipmentListOptions{
		CreateDateStart: start, CreateDateEnd: end, VoidDateStart: start, VoidDateEnd: end,
		ShipDateStart: start, ShipDateEnd: end, OrderID: 512874301, StoreID: 88231,
		IncludeShipmentItems: true, SortBy: "CreateDate", SortDir: "DESC",
	}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			got = append(got, s.ShipmentID)
		}
	}
	if !cmp.Equal(got, []int64{301998877, 301999012, 302000544}) {
		t.Errorf("shipment IDs = %v", got)
	}
}

func TestShipmentsPagesWithoutItems(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /shipments", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"page": "1", "pageSize": "500"})
		writeJSON(t, w, 200, map[string]any{"shipments": []any{}, "total": 0, "page": 1, "pages": 0})
	})
	for _, err := range c.Shipments.Pages(t.Context(), ShipmentListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestFulfillmentsPages(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /fulfillments", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{
			"createDateStart": "2025-03-09 17:00:00",
			"createDateEnd":   "2025-03-10 17:00:00",
			"shipDateStart":   "2025-03-09",
			"shipDateEnd":     "2025-03-10",
			"orderId":         "512874301",
			"orderNumber":     "WEB-100482",
			"trackingNumber":  "9400",
			"sortBy":          "CreateDate",
			"sortDir":         "ASC",
			"page":            "1",
			"pageSize":        "200",
		})
		_, _ = w.Write([]byte(`{"fulfillments":[{"fulfillmentId":33974374,"orderId":512874301,"orderNumber":"WEB-100482",
			"trackingNumber":"9400","createDate":"2025-03-10T09:15:00.1230000","shipDate":"2025-03-10T00:00:00.0000000",
			"voidDate":null,"deliveryDate":null,"carrierCode":"USPS","fulfillmentFee":0,"voided":false,"marketplaceNotified":true,
			"notifyErrorMessage":null,"shipTo":{"name":"Jordan Alvarez","country":"US","residential":null}}],
			"total":1,"page":1,"pages":1}`))
	})
	start, end := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
	var got []Fulfillment
	for page, err := range c.Fulfillments.Pages(t.Context(), FulfillmentListOptions{
		CreateDateStart: start, CreateDateEnd: end, ShipDateStart: start, ShipDateEnd: end,
		OrderID: 512874301, OrderNumber: "WEB-100482", TrackingNumber: "9400", SortBy: "CreateDate", SortDir: "ASC", PageSize: 200,
	}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Items...)
	}
	if len(got) != 1 {
		t.Fatalf("fulfillments = %+v", got)
	}
	f := got[0]
	if f.FulfillmentID != 33974374 || f.CarrierCode != "USPS" || !f.VoidDate.IsZero() || f.ShipTo.Residential != nil {
		t.Errorf("fulfillment = %+v", f)
	}
	if want := time.Date(2025, 3, 10, 16, 15, 0, 123e6, time.UTC); !f.CreateDate.Equal(want) {
		t.Errorf("createDate = %v, want %v", f.CreateDate.UTC(), want)
	}
}

func TestProductsPages(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /products", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{
			"sku": "CMP", "name": "Mug", "productCategoryId": "3", "productTypeId": "4", "tagId": "5",
			"startDate": "2025-01-01 00:00:00", "endDate": "2025-02-01 00:00:00", "showInactive": "true",
			"sortBy": "SKU", "sortDir": "ASC", "page": "1", "pageSize": "500",
		})
		_, _ = w.Write([]byte(`{"products":[{"productId":41120877,"sku":"CMP-MUG-12-SLT","name":"Camp Mug","price":34.5,
			"weightOz":14,"active":true,"productCategory":{"categoryId":3,"name":"Mugs"},"tags":[{"tagId":5,"name":"Summer"}],
			"createDate":"2024-09-09T11:37:53.063","modifyDate":"2024-09-09T11:37:53.063"}],"total":1,"page":1,"pages":1}`))
	})
	var got []Product
	for page, err := range c.Products.Pages(t.Context(), ProductListOptions{
		SKU: "CMP", Name: "Mug", ProductCategoryID: 3, ProductTypeID: 4, TagID: 5,
		StartDate: time.Date(2025, 1, 1, 0, 0, 0, 0, Pacific()), EndDate: time.Date(2025, 2, 1, 0, 0, 0, 0, Pacific()),
		ShowInactive: true, SortBy: "SKU", SortDir: "ASC",
	}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Items...)
	}
	if len(got) != 1 || got[0].SKU != "CMP-MUG-12-SLT" || got[0].ProductCategory.Name != "Mugs" || got[0].Tags[0].TagID != 5 {
		t.Errorf("products = %+v", got)
	}
}

func TestListEndpoints(t *testing.T) {
	c, mux, _ := setup(t)
	carriers := mustReadFile(t, "carriers-list.json")
	mux.HandleFunc("GET /carriers", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{})
		_, _ = w.Write(carriers)
	})
	mux.HandleFunc("GET /carriers/listservices", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"carrierCode": "fedex"})
		writeJSON(t, w, 200, []CarrierService{{CarrierCode: "fedex", Code: "fedex_ground", Name: "FedEx Ground®", Domestic: true}})
	})
	mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"showInactive": "true"})
		_, _ = w.Write([]byte(`[{"storeId":88231,"storeName":"Web","marketplaceId":0,"active":true,"refreshDate":"2014-12-16T17:47:05.457"},
			{"storeId":88232,"storeName":"Old","active":false}]`))
	})
	mux.HandleFunc("GET /warehouses", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"warehouseId":301456,"warehouseName":"Boise","originAddress":{"name":"WH","city":"Boise"},"isDefault":true}]`))
	})
	mux.HandleFunc("GET /accounts/listtags", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"color":"#800080","name":"Backorder","tagId":8362}]`))
	})

	gotCarriers, err := c.Carriers.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(gotCarriers) != 6 || gotCarriers[1].Code != "stamps_com" || gotCarriers[1].ShippingProviderID != 418219 ||
		gotCarriers[1].Primary || gotCarriers[0].Nickname != "" || gotCarriers[1].Nickname != "Stamps.com - East WH" {
		t.Errorf("carriers = %+v", gotCarriers)
	}
	services, err := c.Carriers.ListServices(t.Context(), "fedex")
	if err != nil || len(services) != 1 || services[0].Code != "fedex_ground" {
		t.Errorf("services = %+v, %v", services, err)
	}
	if _, err := c.Carriers.ListServices(t.Context(), ""); err == nil {
		t.Error("empty carrier code: want an error")
	}
	stores, err := c.Stores.List(t.Context())
	if err != nil || len(stores) != 2 || !stores[0].IsActive() || stores[1].IsActive() || stores[0].StoreName == "" {
		t.Errorf("stores = %+v, %v", stores, err)
	}
	warehouses, err := c.Warehouses.List(t.Context())
	if err != nil || len(warehouses) != 1 || warehouses[0].WarehouseName == "" || !warehouses[0].IsDefault {
		t.Errorf("warehouses = %+v, %v", warehouses, err)
	}
	tags, err := c.Tags.List(t.Context())
	if diff := cmp.Diff([]Tag{{TagID: 8362, Name: "Backorder", Color: "#800080"}}, tags); diff != "" || err != nil {
		t.Errorf("tags (-want +got):\n%s %v", diff, err)
	}
}

func TestListDecodeErrorIsReported(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"userId": 42}]`))
	})
	if _, err := c.Users.List(t.Context()); err == nil {
		t.Error("want a decode error")
	}
	mux.HandleFunc("GET /accounts/listtags", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"tagId": 1}`))
	})
	if _, err := c.Tags.List(t.Context()); err == nil {
		t.Error("tags: want a decode error for an object")
	}
}

// TestStoreWithoutActiveIsActive: a store answer that leaves "active" out is
// not taken for an inactive store.
func TestStoreWithoutActiveIsActive(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"storeId":1,"storeName":"Web"},{"storeId":2,"storeName":"Old","active":false}]`))
	})
	stores, err := c.Stores.List(t.Context())
	if err != nil || len(stores) != 2 || !stores[0].IsActive() || stores[1].IsActive() {
		t.Errorf("stores = %+v, %v", stores, err)
	}
}

// TestUsersAcceptsTheDocumentedSingleObject: the original v1 docs show
// /users answering with one object rather than an array.
func TestUsersAcceptsTheDocumentedSingleObject(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(` {"userId":"5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53","userName":"ops","name":"Ops"}`))
	})
	users, err := c.Users.List(t.Context())
	if err != nil || len(users) != 1 || users[0].UserID != "5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53" {
		t.Errorf("users = %+v, %v", users, err)
	}
}
