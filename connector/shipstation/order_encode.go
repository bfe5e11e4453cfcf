package shipstation

import (
	"reflect"
	"time"

	"github.com/shipsync/shipsync/connector/jsonwrite"
)

// AppendOrder appends o to b as createorders sends it: the bytes
// json.Marshal writes for o without its read-only fields
// (TestAppendOrderIsMarshal), written by hand, since every pushed order is
// encoded twice (its content hash and the call) and encoding/json spent
// that time on reflection. The read-only fields are all omitted when empty,
// so leaving them out is not writing them.
func AppendOrder(b []byte, o *Order) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.Int("orderId", o.OrderID, true)
	w.String("orderNumber", o.OrderNumber, false)
	w.String("orderKey", o.OrderKey, true)
	appendStamp(&w, "orderDate", o.OrderDate.Time, wireLayout, false)
	appendStamp(&w, "paymentDate", o.PaymentDate.Time, wireLayout, true)
	appendStamp(&w, "shipByDate", o.ShipByDate.Time, wireLayout, true)
	w.String("orderStatus", o.OrderStatus, false)
	w.String("customerUsername", o.CustomerUsername, true)
	w.String("customerEmail", o.CustomerEmail, true)
	w.Object("billTo", func(a *jsonwrite.Object) { appendAddress(a, &o.BillTo) })
	w.Object("shipTo", func(a *jsonwrite.Object) { appendAddress(a, &o.ShipTo) })
	if len(o.Items) > 0 {
		w.Array("items", false, func(a *jsonwrite.Array) {
			for i := range o.Items {
				a.Object(func(it *jsonwrite.Object) { appendItem(it, &o.Items[i]) })
			}
		})
	}
	w.Float("amountPaid", o.AmountPaid, false)
	w.Float("taxAmount", o.TaxAmount, false)
	w.Float("shippingAmount", o.ShippingAmount, false)
	w.String("customerNotes", o.CustomerNotes, true)
	w.String("internalNotes", o.InternalNotes, true)
	w.Bool("gift", o.Gift, false)
	w.String("giftMessage", o.GiftMessage, true)
	w.String("paymentMethod", o.PaymentMethod, true)
	w.String("requestedShippingService", o.RequestedShippingService, true)
	w.StringPtr("carrierCode", o.CarrierCode, true)
	w.StringPtr("serviceCode", o.ServiceCode, true)
	w.StringPtr("packageCode", o.PackageCode, true)
	w.String("confirmation", o.Confirmation, true)
	appendStamp(&w, "shipDate", o.ShipDate.Time, dateLayout, true)
	appendStamp(&w, "holdUntilDate", o.HoldUntilDate.Time, wireLayout, true)
	appendWeight(&w, o.Weight)
	if o.Dimensions != nil {
		w.Value("dimensions", o.Dimensions)
	}
	if o.InsuranceOptions != (InsuranceOptions{}) {
		w.Value("insuranceOptions", o.InsuranceOptions)
	}
	if !isZero(&o.InternationalOptions) {
		w.Value("internationalOptions", o.InternationalOptions)
	}
	appendAdvanced(&w, o.AdvancedOptions)
	if len(o.TagIDs) > 0 {
		w.Value("tagIds", o.TagIDs)
	}
	return w.End()
}

// isZero reports whether *v is its type's zero value, as omitzero decides
// for a struct without an IsZero method (a nil slice is zero, an empty one
// is not).
func isZero[T any](v *T) bool { return reflect.ValueOf(v).Elem().IsZero() }

// appendStamp writes a Time (layout wireLayout) or Date (dateLayout) member
// as its MarshalJSON does; omitZero leaves out the zero time.
func appendStamp(w *jsonwrite.Object, name string, t time.Time, layout string, omitZero bool) {
	if omitZero && t.IsZero() {
		return
	}
	w.Key(name)
	w.SetBytes(appendPacific(w.Bytes(), t, layout))
}

// appendWeight writes the weight member without its read-only unit code,
// left out when the rest is zero.
func appendWeight(w *jsonwrite.Object, v Weight) {
	if v.Value == 0 && v.Units == "" {
		return
	}
	w.Object("weight", func(o *jsonwrite.Object) {
		o.Float("value", v.Value, false)
		o.String("units", v.Units, false)
	})
}

// appendAddress writes an address's members without AddressVerified.
func appendAddress(w *jsonwrite.Object, a *Address) {
	w.String("name", a.Name, false)
	w.String("company", a.Company, true)
	w.String("street1", a.Street1, true)
	w.String("street2", a.Street2, true)
	w.String("street3", a.Street3, true)
	w.String("city", a.City, true)
	w.String("state", a.State, true)
	w.String("postalCode", a.PostalCode, true)
	w.String("country", a.Country, true)
	w.String("phone", a.Phone, true)
	w.BoolPtr("residential", a.Residential, true)
}

// appendItem writes an order item's members without its read-only dates
// and unit code (orderItemId is kept: it updates the line it names).
func appendItem(w *jsonwrite.Object, it *OrderItem) {
	w.Int("orderItemId", it.OrderItemID, true)
	w.String("lineItemKey", it.LineItemKey, true)
	w.String("sku", it.SKU, true)
	w.String("name", it.Name, false)
	w.String("imageUrl", it.ImageURL, true)
	appendWeight(w, it.Weight)
	w.Int("quantity", int64(it.Quantity), false)
	w.Float("unitPrice", it.UnitPrice, false)
	w.Float("taxAmount", it.TaxAmount, true)
	w.Float("shippingAmount", it.ShippingAmount, true)
	w.String("warehouseLocation", it.WarehouseLocation, true)
	if len(it.Options) > 0 {
		w.Array("options", false, func(a *jsonwrite.Array) {
			for _, opt := range it.Options {
				a.Object(func(o *jsonwrite.Object) {
					o.String("name", opt.Name, false)
					o.String("value", opt.Value, false)
				})
			}
		})
	}
	w.Int("productId", it.ProductID, true)
	w.String("fulfillmentSku", it.FulfillmentSKU, true)
	w.Bool("adjustment", it.Adjustment, false)
	w.String("upc", it.UPC, true)
}

// appendAdvanced writes the advancedOptions member without the read-only
// merge fields, left out when the rest is empty (its struct tag says
// omitzero).
func appendAdvanced(w *jsonwrite.Object, v AdvancedOptions) {
	v.MergedOrSplit, v.MergedIDs, v.ParentID = false, nil, 0
	if isZero(&v) {
		return
	}
	w.Object("advancedOptions", func(o *jsonwrite.Object) {
		o.Int("warehouseId", v.WarehouseID, true)
		o.Bool("nonMachinable", v.NonMachinable, true)
		o.Bool("saturdayDelivery", v.SaturdayDelivery, true)
		o.Bool("containsAlcohol", v.ContainsAlcohol, true)
		o.Int("storeId", v.StoreID, true)
		o.String("customField1", v.CustomField1, true)
		o.String("customField2", v.CustomField2, true)
		o.String("customField3", v.CustomField3, true)
		o.String("source", v.Source, true)
		o.String("billToParty", v.BillToParty, true)
		o.String("billToAccount", v.BillToAccount, true)
		o.String("billToPostalCode", v.BillToPostalCode, true)
		o.String("billToCountryCode", v.BillToCountryCode, true)
		o.Int("billToMyOtherAccount", v.BillToMyOtherAccount, true)
	})
}
