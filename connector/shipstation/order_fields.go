package shipstation

import (
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// orderDecoders are the tables a listed order is decoded with, once per
// order and without reflection: json.Unmarshal's result, field for field
// (FuzzOrderDecodeListed). The customs, insurance, dimensions and item
// options, rare or intricate, go through json.Unmarshal itself.
type orderDecoders struct {
	order    *jsonfields.Object[Order]
	address  *jsonfields.Object[Address]
	item     *jsonfields.Object[itemWire]
	weight   *jsonfields.Object[Weight]
	advanced *jsonfields.Object[AdvancedOptions]
}

// itemWire is an item as it is decoded: quantity is kept as written (a
// number, or a string holding one) and read once the item is complete, as
// OrderItem.UnmarshalJSON reads it.
type itemWire struct {
	OrderItem
	quantity string
}

// newOrderDecoders builds the tables.
func newOrderDecoders() *orderDecoders {
	d := &orderDecoders{}
	d.address = jsonfields.NewObject(map[string]jsonfields.Decoder[Address]{
		"name":            func(a *Address, raw []byte) error { return jsonfields.String(&a.Name, raw) },
		"company":         func(a *Address, raw []byte) error { return jsonfields.String(&a.Company, raw) },
		"street1":         func(a *Address, raw []byte) error { return jsonfields.String(&a.Street1, raw) },
		"street2":         func(a *Address, raw []byte) error { return jsonfields.String(&a.Street2, raw) },
		"street3":         func(a *Address, raw []byte) error { return jsonfields.String(&a.Street3, raw) },
		"city":            func(a *Address, raw []byte) error { return jsonfields.String(&a.City, raw) },
		"state":           func(a *Address, raw []byte) error { return jsonfields.String(&a.State, raw) },
		"postalCode":      func(a *Address, raw []byte) error { return jsonfields.String(&a.PostalCode, raw) },
		"country":         func(a *Address, raw []byte) error { return jsonfields.String(&a.Country, raw) },
		"phone":           func(a *Address, raw []byte) error { return jsonfields.String(&a.Phone, raw) },
		"residential":     func(a *Address, raw []byte) error { return jsonfields.BoolPtr(&a.Residential, raw) },
		"addressVerified": func(a *Address, raw []byte) error { return jsonfields.String(&a.AddressVerified, raw) },
	})
	d.weight = jsonfields.NewObject(map[string]jsonfields.Decoder[Weight]{
		"value":       func(w *Weight, raw []byte) error { return jsonfields.Float64(&w.Value, raw) },
		"units":       func(w *Weight, raw []byte) error { return jsonfields.String(&w.Units, raw) },
		"WeightUnits": func(w *Weight, raw []byte) error { return jsonfields.Int(&w.WeightUnits, raw) },
	})
	d.item = jsonfields.NewObject(map[string]jsonfields.Decoder[itemWire]{
		"orderItemId":       func(it *itemWire, raw []byte) error { return jsonfields.Int64(&it.OrderItemID, raw) },
		"lineItemKey":       func(it *itemWire, raw []byte) error { return jsonfields.String(&it.LineItemKey, raw) },
		"sku":               func(it *itemWire, raw []byte) error { return jsonfields.String(&it.SKU, raw) },
		"name":              func(it *itemWire, raw []byte) error { return jsonfields.String(&it.Name, raw) },
		"imageUrl":          func(it *itemWire, raw []byte) error { return jsonfields.String(&it.ImageURL, raw) },
		"weight":            func(it *itemWire, raw []byte) error { return d.weight.Decode(&it.Weight, raw) },
		"quantity":          func(it *itemWire, raw []byte) error { return quantityText(&it.quantity, raw) },
		"unitPrice":         func(it *itemWire, raw []byte) error { return jsonfields.Float64(&it.UnitPrice, raw) },
		"taxAmount":         func(it *itemWire, raw []byte) error { return jsonfields.Float64(&it.TaxAmount, raw) },
		"shippingAmount":    func(it *itemWire, raw []byte) error { return jsonfields.Float64(&it.ShippingAmount, raw) },
		"warehouseLocation": func(it *itemWire, raw []byte) error { return jsonfields.String(&it.WarehouseLocation, raw) },
		"options":           func(it *itemWire, raw []byte) error { return jsonfields.Std(&it.Options, raw) },
		"productId":         func(it *itemWire, raw []byte) error { return jsonfields.Int64(&it.ProductID, raw) },
		"fulfillmentSku":    func(it *itemWire, raw []byte) error { return jsonfields.String(&it.FulfillmentSKU, raw) },
		"adjustment":        func(it *itemWire, raw []byte) error { return jsonfields.Bool(&it.Adjustment, raw) },
		"upc":               func(it *itemWire, raw []byte) error { return jsonfields.String(&it.UPC, raw) },
		"createDate":        func(it *itemWire, raw []byte) error { return it.CreateDate.UnmarshalJSON(raw) },
		"modifyDate":        func(it *itemWire, raw []byte) error { return it.ModifyDate.UnmarshalJSON(raw) },
	})
	d.advanced = jsonfields.NewObject(map[string]jsonfields.Decoder[AdvancedOptions]{
		"warehouseId":      func(a *AdvancedOptions, raw []byte) error { return jsonfields.Int64(&a.WarehouseID, raw) },
		"nonMachinable":    func(a *AdvancedOptions, raw []byte) error { return jsonfields.Bool(&a.NonMachinable, raw) },
		"saturdayDelivery": func(a *AdvancedOptions, raw []byte) error { return jsonfields.Bool(&a.SaturdayDelivery, raw) },
		"containsAlcohol":  func(a *AdvancedOptions, raw []byte) error { return jsonfields.Bool(&a.ContainsAlcohol, raw) },
		"storeId":          func(a *AdvancedOptions, raw []byte) error { return jsonfields.Int64(&a.StoreID, raw) },
		"customField1":     func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.CustomField1, raw) },
		"customField2":     func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.CustomField2, raw) },
		"customField3":     func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.CustomField3, raw) },
		"source":           func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.Source, raw) },
		"mergedOrSplit":    func(a *AdvancedOptions, raw []byte) error { return jsonfields.Bool(&a.MergedOrSplit, raw) },
		"mergedIds": func(a *AdvancedOptions, raw []byte) error {
			return jsonfields.Slice(&a.MergedIDs, raw, jsonfields.Int64)
		},
		"parentId":             func(a *AdvancedOptions, raw []byte) error { return jsonfields.Int64(&a.ParentID, raw) },
		"billToParty":          func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.BillToParty, raw) },
		"billToAccount":        func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.BillToAccount, raw) },
		"billToPostalCode":     func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.BillToPostalCode, raw) },
		"billToCountryCode":    func(a *AdvancedOptions, raw []byte) error { return jsonfields.String(&a.BillToCountryCode, raw) },
		"billToMyOtherAccount": func(a *AdvancedOptions, raw []byte) error { return jsonfields.Int64(&a.BillToMyOtherAccount, raw) },
	})
	d.order = jsonfields.NewObject(map[string]jsonfields.Decoder[Order]{
		"orderId":                   func(o *Order, raw []byte) error { return jsonfields.Int64(&o.OrderID, raw) },
		"orderNumber":               func(o *Order, raw []byte) error { return jsonfields.String(&o.OrderNumber, raw) },
		"orderKey":                  func(o *Order, raw []byte) error { return jsonfields.String(&o.OrderKey, raw) },
		"orderDate":                 func(o *Order, raw []byte) error { return o.OrderDate.UnmarshalJSON(raw) },
		"createDate":                func(o *Order, raw []byte) error { return o.CreateDate.UnmarshalJSON(raw) },
		"modifyDate":                func(o *Order, raw []byte) error { return o.ModifyDate.UnmarshalJSON(raw) },
		"paymentDate":               func(o *Order, raw []byte) error { return o.PaymentDate.UnmarshalJSON(raw) },
		"shipByDate":                func(o *Order, raw []byte) error { return o.ShipByDate.UnmarshalJSON(raw) },
		"orderStatus":               func(o *Order, raw []byte) error { return jsonfields.String(&o.OrderStatus, raw) },
		"customerId":                func(o *Order, raw []byte) error { return jsonfields.Int64(&o.CustomerID, raw) },
		"customerUsername":          func(o *Order, raw []byte) error { return jsonfields.String(&o.CustomerUsername, raw) },
		"customerEmail":             func(o *Order, raw []byte) error { return jsonfields.String(&o.CustomerEmail, raw) },
		"billTo":                    func(o *Order, raw []byte) error { return d.address.Decode(&o.BillTo, raw) },
		"shipTo":                    func(o *Order, raw []byte) error { return d.address.Decode(&o.ShipTo, raw) },
		"items":                     func(o *Order, raw []byte) error { return jsonfields.Slice(&o.Items, raw, d.decodeItem) },
		"orderTotal":                func(o *Order, raw []byte) error { return jsonfields.Float64(&o.OrderTotal, raw) },
		"amountPaid":                func(o *Order, raw []byte) error { return jsonfields.Float64(&o.AmountPaid, raw) },
		"taxAmount":                 func(o *Order, raw []byte) error { return jsonfields.Float64(&o.TaxAmount, raw) },
		"shippingAmount":            func(o *Order, raw []byte) error { return jsonfields.Float64(&o.ShippingAmount, raw) },
		"customerNotes":             func(o *Order, raw []byte) error { return jsonfields.String(&o.CustomerNotes, raw) },
		"internalNotes":             func(o *Order, raw []byte) error { return jsonfields.String(&o.InternalNotes, raw) },
		"gift":                      func(o *Order, raw []byte) error { return jsonfields.Bool(&o.Gift, raw) },
		"giftMessage":               func(o *Order, raw []byte) error { return jsonfields.String(&o.GiftMessage, raw) },
		"paymentMethod":             func(o *Order, raw []byte) error { return jsonfields.String(&o.PaymentMethod, raw) },
		"requestedShippingService":  func(o *Order, raw []byte) error { return jsonfields.String(&o.RequestedShippingService, raw) },
		"carrierCode":               func(o *Order, raw []byte) error { return jsonfields.StringPtr(&o.CarrierCode, raw) },
		"serviceCode":               func(o *Order, raw []byte) error { return jsonfields.StringPtr(&o.ServiceCode, raw) },
		"packageCode":               func(o *Order, raw []byte) error { return jsonfields.StringPtr(&o.PackageCode, raw) },
		"confirmation":              func(o *Order, raw []byte) error { return jsonfields.String(&o.Confirmation, raw) },
		"shipDate":                  func(o *Order, raw []byte) error { return o.ShipDate.UnmarshalJSON(raw) },
		"holdUntilDate":             func(o *Order, raw []byte) error { return o.HoldUntilDate.UnmarshalJSON(raw) },
		"weight":                    func(o *Order, raw []byte) error { return d.weight.Decode(&o.Weight, raw) },
		"dimensions":                func(o *Order, raw []byte) error { return jsonfields.Std(&o.Dimensions, raw) },
		"insuranceOptions":          func(o *Order, raw []byte) error { return jsonfields.Std(&o.InsuranceOptions, raw) },
		"internationalOptions":      func(o *Order, raw []byte) error { return jsonfields.Std(&o.InternationalOptions, raw) },
		"advancedOptions":           func(o *Order, raw []byte) error { return d.advanced.Decode(&o.AdvancedOptions, raw) },
		"tagIds":                    func(o *Order, raw []byte) error { return jsonfields.Slice(&o.TagIDs, raw, jsonfields.Int64) },
		"userId":                    func(o *Order, raw []byte) error { return jsonfields.StringPtr(&o.UserID, raw) },
		"externallyFulfilled":       func(o *Order, raw []byte) error { return jsonfields.Bool(&o.ExternallyFulfilled, raw) },
		"externallyFulfilledBy":     func(o *Order, raw []byte) error { return jsonfields.String(&o.ExternallyFulfilledBy, raw) },
		"externallyFulfilledById":   func(o *Order, raw []byte) error { return jsonfields.Int64(&o.ExternallyFulfilledByID, raw) },
		"externallyFulfilledByName": func(o *Order, raw []byte) error { return jsonfields.String(&o.ExternallyFulfilledByName, raw) },
	})
	return d
}

// decodeItem decodes one item of an order's items as OrderItem.UnmarshalJSON
// does: its fields, then the quantity as a whole number.
func (d *orderDecoders) decodeItem(it *OrderItem, raw []byte) error {
	w := itemWire{OrderItem: *it}
	if err := d.item.Decode(&w, raw); err != nil {
		return err
	}
	*it = w.OrderItem
	q, err := wholeQuantity(json.Number(w.quantity))
	it.Quantity = q
	return err
}

// quantityText keeps an item quantity as written, as a json.Number field
// keeps it: a number, or a string holding a valid one; null leaves it.
func quantityText(dst *string, raw []byte) error {
	switch {
	case string(raw) == "null":
		return nil
	case raw[0] == '-' || ('0' <= raw[0] && raw[0] <= '9'):
		*dst = string(raw) // a number: the scan checked its grammar
		return nil
	}
	var s string
	if err := jsonfields.String(&s, raw); err != nil {
		return err
	}
	if !isNumber(s) {
		return fmt.Errorf("item quantity %s is not a number", raw)
	}
	*dst = s
	return nil
}

// isNumber reports whether s is a JSON number and nothing else.
func isNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	_, end, err := jsonscan.Value([]byte(s), 0)
	return err == nil && end == len(s)
}
