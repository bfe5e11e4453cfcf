package shipstation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// utc parses an RFC 3339 instant for comparisons.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSampleOrdersPage(t *testing.T) {
	page, err := decodePage(mustReadFile(t, "orders-list-page.json"), "orders", "orderId", newOrderDecoders().order.Read)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Invalid) != 0 || len(page.Items) != 2 || page.Total != 2 || page.Pages != 1 {
		t.Fatalf("page: %d items, invalid %+v, total %d, pages %d", len(page.Items), page.Invalid, page.Total, page.Pages)
	}
	domestic, intl := page.Items[0], page.Items[1]

	// Order 1: spring-forward weekend. createDate is PST (UTC−8), modifyDate PDT (UTC−7).
	if !domestic.CreateDate.Equal(utc(t, "2025-03-09T03:43:11.287Z")) {
		t.Errorf("createDate = %v", domestic.CreateDate.UTC())
	}
	if !domestic.ModifyDate.Equal(utc(t, "2025-03-09T10:12:48.913Z")) {
		t.Errorf("modifyDate = %v", domestic.ModifyDate.UTC())
	}
	if _, off := domestic.ModifyDate.In(Pacific()).Zone(); off != -7*3600 {
		t.Errorf("modifyDate offset = %d, want PDT", off)
	}
	if domestic.ModifyDate.Raw != "2025-03-09T03:12:48.9130000" {
		t.Errorf("modifyDate raw = %q", domestic.ModifyDate.Raw)
	}
	if domestic.OrderStatus != StatusAwaitingShipment || domestic.UserID == nil || *domestic.UserID != "5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53" {
		t.Errorf("status %q, user %v", domestic.OrderStatus, domestic.UserID)
	}
	if len(domestic.TagIDs) != 2 || domestic.TagIDs[1] != 41907 || domestic.OrderTotal != 75.17 {
		t.Errorf("tags %v, total %v", domestic.TagIDs, domestic.OrderTotal)
	}
	if domestic.CarrierCode == nil || *domestic.CarrierCode != "ups_walleted" || *domestic.ServiceCode != "ups_ground" {
		t.Errorf("carrier %v service %v", domestic.CarrierCode, domestic.ServiceCode)
	}
	adv := domestic.AdvancedOptions
	if adv.StoreID != 88231 || adv.WarehouseID != 301456 || adv.CustomField1 != "ERP-SO-77120" || adv.Source != "web" || adv.ParentID != 0 {
		t.Errorf("advancedOptions = %+v", adv)
	}
	disc := domestic.Items[1]
	if !disc.Adjustment || disc.UnitPrice != -6.9 || disc.TaxAmount != 0 || disc.ProductID != 0 {
		t.Errorf("discount line = %+v", disc)
	}
	if !domestic.Items[0].CreateDate.Equal(utc(t, "2025-03-09T03:43:11.287Z")) || domestic.Items[0].Options[0].Value != "J.A." {
		t.Errorf("item = %+v", domestic.Items[0])
	}
	if domestic.Dimensions == nil || domestic.Dimensions.Length != 12 || domestic.Weight.WeightUnits != 1 {
		t.Errorf("dimensions %+v, weight %+v", domestic.Dimensions, domestic.Weight)
	}
	if domestic.ShipTo.Residential == nil || *domestic.ShipTo.Residential || domestic.BillTo.Residential == nil || !*domestic.BillTo.Residential {
		t.Errorf("residential flags: ship %v bill %v", domestic.ShipTo.Residential, domestic.BillTo.Residential)
	}

	// Order 2: every timestamp in the repeated fall-back hour; Go picks PDT,
	// so 01:28:02.44 Pacific is 08:28:02.44Z (not 09:28:02.44Z).
	if !intl.CreateDate.Equal(utc(t, "2025-11-02T08:28:02.44Z")) {
		t.Errorf("createDate = %v, want 08:28:02.44Z", intl.CreateDate.UTC())
	}
	if !intl.Items[0].CreateDate.Equal(intl.CreateDate.Time) {
		t.Errorf("item createDate %v differs from order createDate %v", intl.Items[0].CreateDate.UTC(), intl.CreateDate.UTC())
	}
	if !intl.PaymentDate.IsZero() || !intl.ShipByDate.IsZero() || !intl.ShipDate.IsZero() || intl.CarrierCode != nil ||
		intl.ServiceCode != nil || intl.PackageCode != nil || intl.Dimensions != nil || intl.TagIDs != nil || intl.UserID != nil {
		t.Errorf("nulls did not decode as unset: %+v", intl)
	}
	if intl.BillTo.Name != "Mathieu Tremblay" || intl.BillTo.Street1 != "" || intl.BillTo.Residential != nil {
		t.Errorf("billTo = %+v", intl.BillTo)
	}
	io := intl.InternationalOptions
	if io.Contents != "merchandise" || len(io.CustomsItems) != 2 || io.CustomsItems[1].CountryOfOrigin != "US" || io.NonDelivery != "return_to_sender" {
		t.Errorf("internationalOptions = %+v", io)
	}
}

func TestSampleShipmentsPage(t *testing.T) {
	page, err := decodePage(mustReadFile(t, "shipments-list-page.json"), "shipments", "shipmentId", jsonfields.Std[Shipment])
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 || len(page.Invalid) != 0 {
		t.Fatalf("%d shipments, invalid %+v", len(page.Items), page.Invalid)
	}
	voided, relabel, ret := page.Items[0], page.Items[1], page.Items[2]
	if !voided.Voided || !voided.VoidDate.Equal(utc(t, "2025-03-10T16:05:33.12Z")) || voided.MarketplaceNotified {
		t.Errorf("voided shipment = %+v", voided)
	}
	if relabel.Voided || !relabel.VoidDate.IsZero() || relabel.OrderID != voided.OrderID || relabel.TrackingNumber != "1Z4W52X80312398804" {
		t.Errorf("re-label = %+v", relabel)
	}
	if want := time.Date(2025, 3, 10, 0, 0, 0, 0, Pacific()); !relabel.ShipDate.Equal(want) || relabel.ShipDate.Raw != "2025-03-10" {
		t.Errorf("shipDate = %v (%q)", relabel.ShipDate.Time, relabel.ShipDate.Raw)
	}
	if len(relabel.ShipmentItems) != 1 || relabel.ShipmentItems[0].OrderItemID != 903114872 || relabel.ShipmentItems[0].Quantity != 2 {
		t.Errorf("shipment items = %+v", relabel.ShipmentItems)
	}
	if !ret.IsReturnLabel || ret.BatchNumber != "100418" || ret.Dimensions != nil || ret.CarrierCode != "stamps_com" || ret.AdvancedOptions.StoreID != 88231 {
		t.Errorf("return label = %+v", ret)
	}
}

func TestSampleCreateOrdersResponse(t *testing.T) {
	var res BulkResult
	if err := json.Unmarshal(mustReadFile(t, "createorders-response.json"), &res); err != nil {
		t.Fatal(err)
	}
	if !res.HasErrors || len(res.Results) != 3 || res.Results[1].OrderNumber != "WEB-100502" || res.Results[0].ErrorMessage != "" {
		t.Errorf("result = %+v", res)
	}
}

func TestSampleCarriers(t *testing.T) {
	var carriers []Carrier
	if err := json.Unmarshal(mustReadFile(t, "carriers-list.json"), &carriers); err != nil {
		t.Fatal(err)
	}
	if len(carriers) != 6 || carriers[5].Code != "dhl_express_worldwide" || carriers[0].Balance != 212.37 || !carriers[0].RequiresFundedAccount {
		t.Errorf("carriers = %+v", carriers)
	}
}
