package shipstation

import (
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// orderDecoders are the tables a listed order is decoded with, once per
// order and without reflection: json.Unmarshal's result, field for field
// (FuzzOrderDecodeListed). Customs lines, rare, go through json.Unmarshal
// itself.
type orderDecoders struct {
	order  *jsonfields.Object[Order]
	item   *jsonfields.Object[itemWire]   // decodeItem's
	option *jsonfields.Object[ItemOption] // readOption's
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
	address := jsonfields.NewObject(map[string]jsonfields.Field[Address]{
		"name":            func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Name, b, i) },
		"company":         func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Company, b, i) },
		"street1":         func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Street1, b, i) },
		"street2":         func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Street2, b, i) },
		"street3":         func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Street3, b, i) },
		"city":            func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.City, b, i) },
		"state":           func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.State, b, i) },
		"postalCode":      func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.PostalCode, b, i) },
		"country":         func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Country, b, i) },
		"phone":           func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.Phone, b, i) },
		"residential":     func(a *Address, b []byte, i int) (int, error) { return jsonfields.BoolPtr(&a.Residential, b, i) },
		"addressVerified": func(a *Address, b []byte, i int) (int, error) { return jsonfields.String(&a.AddressVerified, b, i) },
	})
	d.option = jsonfields.NewObject(map[string]jsonfields.Field[ItemOption]{
		"name":  func(o *ItemOption, b []byte, i int) (int, error) { return jsonfields.String(&o.Name, b, i) },
		"value": func(o *ItemOption, b []byte, i int) (int, error) { return jsonfields.String(&o.Value, b, i) },
	})
	dimensions := jsonfields.NewObject(map[string]jsonfields.Field[Dimensions]{
		"units":  func(v *Dimensions, b []byte, i int) (int, error) { return jsonfields.String(&v.Units, b, i) },
		"length": func(v *Dimensions, b []byte, i int) (int, error) { return jsonfields.Float64(&v.Length, b, i) },
		"width":  func(v *Dimensions, b []byte, i int) (int, error) { return jsonfields.Float64(&v.Width, b, i) },
		"height": func(v *Dimensions, b []byte, i int) (int, error) { return jsonfields.Float64(&v.Height, b, i) },
	})
	insurance := jsonfields.NewObject(map[string]jsonfields.Field[InsuranceOptions]{
		"provider": func(v *InsuranceOptions, b []byte, i int) (int, error) { return jsonfields.String(&v.Provider, b, i) },
		"insureShipment": func(v *InsuranceOptions, b []byte, i int) (int, error) {
			return jsonfields.Bool(&v.InsureShipment, b, i)
		},
		"insuredValue": func(v *InsuranceOptions, b []byte, i int) (int, error) {
			return jsonfields.Float64(&v.InsuredValue, b, i)
		},
	})
	international := jsonfields.NewObject(map[string]jsonfields.Field[InternationalOptions]{
		"contents": func(v *InternationalOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&v.Contents, b, i)
		},
		"customsItems": func(v *InternationalOptions, b []byte, i int) (int, error) {
			return jsonfields.Std(&v.CustomsItems, b, i)
		},
		"nonDelivery": func(v *InternationalOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&v.NonDelivery, b, i)
		},
	})
	weight := jsonfields.NewObject(map[string]jsonfields.Field[Weight]{
		"value":       func(w *Weight, b []byte, i int) (int, error) { return jsonfields.Float64(&w.Value, b, i) },
		"units":       func(w *Weight, b []byte, i int) (int, error) { return jsonfields.String(&w.Units, b, i) },
		"WeightUnits": func(w *Weight, b []byte, i int) (int, error) { return jsonfields.Int(&w.WeightUnits, b, i) },
	})
	d.item = jsonfields.NewObject(map[string]jsonfields.Field[itemWire]{
		"orderItemId":    func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Int(&it.OrderItemID, b, i) },
		"lineItemKey":    func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.LineItemKey, b, i) },
		"sku":            func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.SKU, b, i) },
		"name":           func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.Name, b, i) },
		"imageUrl":       func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.ImageURL, b, i) },
		"weight":         func(it *itemWire, b []byte, i int) (int, error) { return weight.Read(&it.Weight, b, i) },
		"quantity":       func(it *itemWire, b []byte, i int) (int, error) { return quantityText(&it.quantity, b, i) },
		"unitPrice":      func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Float64(&it.UnitPrice, b, i) },
		"taxAmount":      func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Float64(&it.TaxAmount, b, i) },
		"shippingAmount": func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Float64(&it.ShippingAmount, b, i) },
		"warehouseLocation": func(it *itemWire, b []byte, i int) (int, error) {
			return jsonfields.String(&it.WarehouseLocation, b, i)
		},
		"options": func(it *itemWire, b []byte, i int) (int, error) {
			return jsonfields.Slice(&it.Options, b, i, d.readOption)
		},
		"productId":      func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Int(&it.ProductID, b, i) },
		"fulfillmentSku": func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.FulfillmentSKU, b, i) },
		"adjustment":     func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Bool(&it.Adjustment, b, i) },
		"upc":            func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.String(&it.UPC, b, i) },
		"createDate":     func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&it.CreateDate, b, i) },
		"modifyDate":     func(it *itemWire, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&it.ModifyDate, b, i) },
	})
	advanced := jsonfields.NewObject(map[string]jsonfields.Field[AdvancedOptions]{
		"warehouseId":   func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.Int(&a.WarehouseID, b, i) },
		"nonMachinable": func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.Bool(&a.NonMachinable, b, i) },
		"saturdayDelivery": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.Bool(&a.SaturdayDelivery, b, i)
		},
		"containsAlcohol": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.Bool(&a.ContainsAlcohol, b, i)
		},
		"storeId": func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.Int(&a.StoreID, b, i) },
		"customField1": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.CustomField1, b, i)
		},
		"customField2": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.CustomField2, b, i)
		},
		"customField3": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.CustomField3, b, i)
		},
		"source":        func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.String(&a.Source, b, i) },
		"mergedOrSplit": func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.Bool(&a.MergedOrSplit, b, i) },
		"mergedIds": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.Slice(&a.MergedIDs, b, i, jsonfields.Int[int64])
		},
		"parentId":    func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.Int(&a.ParentID, b, i) },
		"billToParty": func(a *AdvancedOptions, b []byte, i int) (int, error) { return jsonfields.String(&a.BillToParty, b, i) },
		"billToAccount": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.BillToAccount, b, i)
		},
		"billToPostalCode": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.BillToPostalCode, b, i)
		},
		"billToCountryCode": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.String(&a.BillToCountryCode, b, i)
		},
		"billToMyOtherAccount": func(a *AdvancedOptions, b []byte, i int) (int, error) {
			return jsonfields.Int(&a.BillToMyOtherAccount, b, i)
		},
	})
	d.order = jsonfields.NewObject(map[string]jsonfields.Field[Order]{
		"orderId":          func(o *Order, b []byte, i int) (int, error) { return jsonfields.Int(&o.OrderID, b, i) },
		"orderNumber":      func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.OrderNumber, b, i) },
		"orderKey":         func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.OrderKey, b, i) },
		"orderDate":        func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.OrderDate, b, i) },
		"createDate":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.CreateDate, b, i) },
		"modifyDate":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.ModifyDate, b, i) },
		"paymentDate":      func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.PaymentDate, b, i) },
		"shipByDate":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.ShipByDate, b, i) },
		"orderStatus":      func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.OrderStatus, b, i) },
		"customerId":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Int(&o.CustomerID, b, i) },
		"customerUsername": func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.CustomerUsername, b, i) },
		"customerEmail":    func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.CustomerEmail, b, i) },
		"billTo":           func(o *Order, b []byte, i int) (int, error) { return address.Read(&o.BillTo, b, i) },
		"shipTo":           func(o *Order, b []byte, i int) (int, error) { return address.Read(&o.ShipTo, b, i) },
		"items":            func(o *Order, b []byte, i int) (int, error) { return jsonfields.Slice(&o.Items, b, i, d.decodeItem) },
		"orderTotal":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Float64(&o.OrderTotal, b, i) },
		"amountPaid":       func(o *Order, b []byte, i int) (int, error) { return jsonfields.Float64(&o.AmountPaid, b, i) },
		"taxAmount":        func(o *Order, b []byte, i int) (int, error) { return jsonfields.Float64(&o.TaxAmount, b, i) },
		"shippingAmount":   func(o *Order, b []byte, i int) (int, error) { return jsonfields.Float64(&o.ShippingAmount, b, i) },
		"customerNotes":    func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.CustomerNotes, b, i) },
		"internalNotes":    func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.InternalNotes, b, i) },
		"gift":             func(o *Order, b []byte, i int) (int, error) { return jsonfields.Bool(&o.Gift, b, i) },
		"giftMessage":      func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.GiftMessage, b, i) },
		"paymentMethod":    func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.PaymentMethod, b, i) },
		"requestedShippingService": func(o *Order, b []byte, i int) (int, error) {
			return jsonfields.String(&o.RequestedShippingService, b, i)
		},
		"carrierCode":   func(o *Order, b []byte, i int) (int, error) { return jsonfields.StringPtr(&o.CarrierCode, b, i) },
		"serviceCode":   func(o *Order, b []byte, i int) (int, error) { return jsonfields.StringPtr(&o.ServiceCode, b, i) },
		"packageCode":   func(o *Order, b []byte, i int) (int, error) { return jsonfields.StringPtr(&o.PackageCode, b, i) },
		"confirmation":  func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.Confirmation, b, i) },
		"shipDate":      func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.ShipDate, b, i) },
		"holdUntilDate": func(o *Order, b []byte, i int) (int, error) { return jsonfields.Unmarshaler(&o.HoldUntilDate, b, i) },
		"weight":        func(o *Order, b []byte, i int) (int, error) { return weight.Read(&o.Weight, b, i) },
		"dimensions": func(o *Order, b []byte, i int) (int, error) {
			return jsonfields.Ptr(&o.Dimensions, b, i, dimensions.Read)
		},
		"insuranceOptions": func(o *Order, b []byte, i int) (int, error) {
			return insurance.Read(&o.InsuranceOptions, b, i)
		},
		"internationalOptions": func(o *Order, b []byte, i int) (int, error) {
			return international.Read(&o.InternationalOptions, b, i)
		},
		"advancedOptions": func(o *Order, b []byte, i int) (int, error) { return advanced.Read(&o.AdvancedOptions, b, i) },
		"tagIds": func(o *Order, b []byte, i int) (int, error) {
			return jsonfields.Slice(&o.TagIDs, b, i, jsonfields.Int[int64])
		},
		"userId":                func(o *Order, b []byte, i int) (int, error) { return jsonfields.StringPtr(&o.UserID, b, i) },
		"externallyFulfilled":   func(o *Order, b []byte, i int) (int, error) { return jsonfields.Bool(&o.ExternallyFulfilled, b, i) },
		"externallyFulfilledBy": func(o *Order, b []byte, i int) (int, error) { return jsonfields.String(&o.ExternallyFulfilledBy, b, i) },
		"externallyFulfilledById": func(o *Order, b []byte, i int) (int, error) {
			return jsonfields.Int(&o.ExternallyFulfilledByID, b, i)
		},
		"externallyFulfilledByName": func(o *Order, b []byte, i int) (int, error) {
			return jsonfields.String(&o.ExternallyFulfilledByName, b, i)
		},
	})
	return d
}

// decodeItem decodes one item of an order's items as OrderItem.UnmarshalJSON
// does: its fields, then the quantity as a whole number.
func (d *orderDecoders) decodeItem(it *OrderItem, b []byte, i int) (int, error) {
	w := itemWire{OrderItem: *it}
	end, err := d.item.Read(&w, b, i)
	if err != nil {
		return end, err
	}
	*it = w.OrderItem
	q, err := wholeQuantity(json.Number(w.quantity))
	it.Quantity = q
	return end, err
}

// readOption reads an item option as ItemOption.UnmarshalJSON does: a
// {name, value} object through its table, a string ("Size: L") or null
// through UnmarshalJSON itself.
func (d *orderDecoders) readOption(o *ItemOption, b []byte, i int) (int, error) {
	if b[i] == '{' {
		return d.option.Read(o, b, i)
	}
	return jsonfields.Raw(b, i, o.UnmarshalJSON)
}

// quantityText keeps an item quantity as written, as a json.Number field
// keeps it: a number, or a string holding a valid one; null leaves it.
func quantityText(dst *string, b []byte, i int) (int, error) {
	return jsonfields.Raw(b, i, func(raw []byte) error { return readQuantity(dst, raw) })
}

// readQuantity is quantityText of the value raw.
func readQuantity(dst *string, raw []byte) error {
	switch {
	case string(raw) == "null":
		return nil
	case raw[0] == '-' || ('0' <= raw[0] && raw[0] <= '9'):
		*dst = string(raw) // a number: the scan checked its grammar
		return nil
	}
	s, err := jsonscan.String(raw)
	if err != nil {
		return fmt.Errorf("item quantity %.40s is not a number or a string", raw)
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
