package shipstation

import (
	"reflect"

	"github.com/shipsync/shipsync/connector/jsonwrite"
)

// AppendOrder appends o to b as createorders sends it: the bytes
// json.Marshal writes for o without its read-only fields
// (TestAppendOrderIsMarshal), written by hand, since every pushed order is
// encoded twice (its content hash and the call) and encoding/json spent
// that time on reflection.
func AppendOrder(b []byte, o *Order) ([]byte, error) {
	return appendOrder(b, o, true)
}

// appendOrder appends o as json.Marshal writes it; sending leaves out the
// read-only fields (withoutReadOnly), which are all omitted when empty.
func appendOrder(b []byte, o *Order, sending bool) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.Int("orderId", o.OrderID, true)
	w.String("orderNumber", o.OrderNumber, false)
	w.String("orderKey", o.OrderKey, true)
	appendTime(&w, "orderDate", o.OrderDate, false)
	if !sending {
		appendTime(&w, "createDate", o.CreateDate, true)
		appendTime(&w, "modifyDate", o.ModifyDate, true)
	}
	appendTime(&w, "paymentDate", o.PaymentDate, true)
	appendTime(&w, "shipByDate", o.ShipByDate, true)
	w.String("orderStatus", o.OrderStatus, false)
	if !sending {
		w.Int("customerId", o.CustomerID, true)
	}
	w.String("customerUsername", o.CustomerUsername, true)
	w.String("customerEmail", o.CustomerEmail, true)
	w.Key("billTo")
	w.SetBytes(appendAddress(w.Bytes(), &o.BillTo, sending))
	w.Key("shipTo")
	w.SetBytes(appendAddress(w.Bytes(), &o.ShipTo, sending))
	if err := appendItems(&w, o.Items, sending); err != nil {
		return w.Bytes(), err
	}
	if !sending {
		w.Float("orderTotal", o.OrderTotal, true)
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
	if !o.ShipDate.IsZero() {
		w.Key("shipDate")
		w.SetBytes(o.ShipDate.appendJSON(w.Bytes()))
	}
	appendTime(&w, "holdUntilDate", o.HoldUntilDate, true)
	weight := o.Weight
	if sending {
		weight.WeightUnits = 0
	}
	appendWeight(&w, "weight", weight, true)
	if o.Dimensions != nil {
		w.Value("dimensions", o.Dimensions)
	}
	if o.InsuranceOptions != (InsuranceOptions{}) {
		w.Value("insuranceOptions", o.InsuranceOptions)
	}
	if !isZero(&o.InternationalOptions) {
		w.Value("internationalOptions", o.InternationalOptions)
	}
	appendAdvanced(&w, &o.AdvancedOptions, sending)
	if len(o.TagIDs) > 0 {
		w.Value("tagIds", o.TagIDs)
	}
	if !sending {
		appendFulfilledBy(&w, o)
	}
	return w.End()
}

// appendItems writes the items member, left out when there are none.
func appendItems(w *jsonwrite.Object, items []OrderItem, sending bool) error {
	if len(items) == 0 {
		return nil
	}
	w.Key("items")
	b := append(w.Bytes(), '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendItem(b, &items[i], sending); err != nil {
			return err
		}
	}
	w.SetBytes(append(b, ']'))
	return nil
}

// appendFulfilledBy writes the read-only members that end an order read
// back: its user and whether someone else fulfilled it.
func appendFulfilledBy(w *jsonwrite.Object, o *Order) {
	w.StringPtr("userId", o.UserID, true)
	w.Bool("externallyFulfilled", o.ExternallyFulfilled, true)
	w.String("externallyFulfilledBy", o.ExternallyFulfilledBy, true)
	w.Int("externallyFulfilledById", o.ExternallyFulfilledByID, true)
	w.String("externallyFulfilledByName", o.ExternallyFulfilledByName, true)
}

// isZero reports whether *v is its type's zero value, as omitzero decides
// for a struct without an IsZero method (a nil slice is zero, an empty one
// is not).
func isZero[T any](v *T) bool { return reflect.ValueOf(v).Elem().IsZero() }

// appendTime writes a Time member; omitZero leaves out the zero Time.
func appendTime(w *jsonwrite.Object, name string, t Time, omitZero bool) {
	if omitZero && t.IsZero() {
		return
	}
	w.Key(name)
	w.SetBytes(t.appendJSON(w.Bytes()))
}

// appendWeight writes a Weight member; omitZero leaves out the zero Weight.
func appendWeight(w *jsonwrite.Object, name string, v Weight, omitZero bool) {
	if omitZero && v == (Weight{}) {
		return
	}
	w.Key(name)
	o := jsonwrite.Begin(w.Bytes())
	o.Float("value", v.Value, false)
	o.String("units", v.Units, false)
	o.Int("WeightUnits", int64(v.WeightUnits), true)
	b, _ := o.End() // a weight's float is finite or the order's own End reports it
	w.SetBytes(b)
}

// appendAddress appends an address; sending leaves out AddressVerified.
func appendAddress(b []byte, a *Address, sending bool) []byte {
	w := jsonwrite.Begin(b)
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
	if a.Residential != nil {
		w.Bool("residential", *a.Residential, false)
	}
	if !sending {
		w.String("addressVerified", a.AddressVerified, true)
	}
	b, _ = w.End() // strings and booleans only: no error
	return b
}

// appendItem appends an order item; sending leaves out its read-only fields.
func appendItem(b []byte, it *OrderItem, sending bool) ([]byte, error) {
	w := jsonwrite.Begin(b)
	w.Int("orderItemId", it.OrderItemID, true) // kept when sending, as withoutReadOnly keeps it
	w.String("lineItemKey", it.LineItemKey, true)
	w.String("sku", it.SKU, true)
	w.String("name", it.Name, false)
	w.String("imageUrl", it.ImageURL, true)
	weight := it.Weight
	if sending {
		weight.WeightUnits = 0
	}
	appendWeight(&w, "weight", weight, true)
	w.Int("quantity", int64(it.Quantity), false)
	w.Float("unitPrice", it.UnitPrice, false)
	w.Float("taxAmount", it.TaxAmount, true)
	w.Float("shippingAmount", it.ShippingAmount, true)
	w.String("warehouseLocation", it.WarehouseLocation, true)
	if len(it.Options) > 0 {
		w.Key("options")
		b := append(w.Bytes(), '[')
		for i, opt := range it.Options {
			if i > 0 {
				b = append(b, ',')
			}
			o := jsonwrite.Begin(b)
			o.String("name", opt.Name, false)
			o.String("value", opt.Value, false)
			b, _ = o.End()
		}
		w.SetBytes(append(b, ']'))
	}
	w.Int("productId", it.ProductID, true)
	w.String("fulfillmentSku", it.FulfillmentSKU, true)
	w.Bool("adjustment", it.Adjustment, false)
	w.String("upc", it.UPC, true)
	if !sending {
		appendTime(&w, "createDate", it.CreateDate, true)
		appendTime(&w, "modifyDate", it.ModifyDate, true)
	}
	return w.End()
}

// appendAdvanced writes the advancedOptions member, left out when all of it
// is empty (its struct tag says omitzero); sending leaves out the read-only
// merge fields.
func appendAdvanced(w *jsonwrite.Object, a *AdvancedOptions, sending bool) {
	v := *a
	if sending {
		v.MergedOrSplit, v.MergedIDs, v.ParentID = false, nil, 0
	}
	if isZero(&v) {
		return
	}
	w.Key("advancedOptions")
	o := jsonwrite.Begin(w.Bytes())
	o.Int("warehouseId", v.WarehouseID, true)
	o.Bool("nonMachinable", v.NonMachinable, true)
	o.Bool("saturdayDelivery", v.SaturdayDelivery, true)
	o.Bool("containsAlcohol", v.ContainsAlcohol, true)
	o.Int("storeId", v.StoreID, true)
	o.String("customField1", v.CustomField1, true)
	o.String("customField2", v.CustomField2, true)
	o.String("customField3", v.CustomField3, true)
	o.String("source", v.Source, true)
	o.Bool("mergedOrSplit", v.MergedOrSplit, true)
	if len(v.MergedIDs) > 0 {
		o.Value("mergedIds", v.MergedIDs)
	}
	o.Int("parentId", v.ParentID, true)
	o.String("billToParty", v.BillToParty, true)
	o.String("billToAccount", v.BillToAccount, true)
	o.String("billToPostalCode", v.BillToPostalCode, true)
	o.String("billToCountryCode", v.BillToCountryCode, true)
	o.Int("billToMyOtherAccount", v.BillToMyOtherAccount, true)
	b, _ := o.End() // strings, booleans and integers only: no error
	w.SetBytes(b)
}
