package pushorders

import (
	"math"
	"slices"
	"strings"

	"github.com/shipsync/shipsync/connector/shipstation"
)

// groupValues are the definitions of the field groups' values: a group's
// hash is the SHA-256 of the json.Marshal of its value here. The hashes are
// kept in push records, so the hand-written JSON of each group (group.write)
// is checked against these (TestGroupHashesAreMarshalHashes); they are the
// code that computed the hashes before it was written by hand.
var groupValues = map[string]func(o *shipstation.Order) any{
	"ship_to": func(o *shipstation.Order) any { return address(o.ShipTo) },
	"bill_to": func(o *shipstation.Order) any { return address(o.BillTo) },
	"items":   itemsValue,
	"amounts": func(o *shipstation.Order) any {
		return []float64{cents(o.AmountPaid), cents(o.TaxAmount), cents(o.ShippingAmount)}
	},
	"requested_service": func(o *shipstation.Order) any { return trim(o.RequestedShippingService) },
	"store":             func(o *shipstation.Order) any { return o.AdvancedOptions.StoreID },
	"warehouse":         func(o *shipstation.Order) any { return o.AdvancedOptions.WarehouseID },
	"order": func(o *shipstation.Order) any {
		return []string{trim(o.OrderNumber), instant(o.OrderDate), trim(o.AdvancedOptions.CustomField1), trim(o.AdvancedOptions.Source)}
	},
	"customer": func(o *shipstation.Order) any {
		return []string{trim(o.CustomerUsername), strings.ToLower(trim(o.CustomerEmail))}
	},
	"status":  statusValue,
	"carrier": carrierValue,
	"weight": func(o *shipstation.Order) any {
		return []any{math.Round(o.Weight.Value*1e4) / 1e4, strings.ToLower(o.Weight.Units)}
	},
	"dimensions":     func(o *shipstation.Order) any { return o.Dimensions },
	"insurance":      func(o *shipstation.Order) any { return o.InsuranceOptions },
	"internal_notes": func(o *shipstation.Order) any { return trim(o.InternalNotes) },
	"tags": func(o *shipstation.Order) any {
		t := slices.Clone(o.TagIDs)
		slices.Sort(t)
		return t
	},
	"other": otherValue,
}

// address is the normalised value of an address. residential and the
// verification result are left out: ShipStation's address check may set them.
func address(a shipstation.Address) []string {
	return []string{trim(a.Name), trim(a.Company), trim(a.Street1), trim(a.Street2), trim(a.Street3),
		trim(a.City), strings.ToUpper(trim(a.State)), trim(a.PostalCode), strings.ToUpper(trim(a.Country)), trim(a.Phone)}
}

// itemsValue is the normalised value of the lines, by line key: the parts
// Quipt owns (a person's weight or bin location of a line is kept by merge).
func itemsValue(o *shipstation.Order) any {
	out := make([][]any, 0, len(o.Items))
	for _, it := range o.Items {
		out = append(out, []any{trim(it.LineItemKey), trim(it.SKU), trim(it.Name), it.Quantity, cents(it.UnitPrice), trim(it.FulfillmentSKU)})
	}
	slices.SortFunc(out, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	return out
}

// statusValue is the status, and the hold's end while it is on hold.
func statusValue(o *shipstation.Order) any {
	if o.OrderStatus != shipstation.StatusOnHold {
		return []string{o.OrderStatus}
	}
	return []string{o.OrderStatus, instant(o.HoldUntilDate)}
}

func carrierValue(o *shipstation.Order) any {
	a := o.AdvancedOptions
	return []any{deref(o.CarrierCode), deref(o.ServiceCode), deref(o.PackageCode), trim(o.Confirmation),
		a.BillToParty, a.BillToAccount, a.BillToPostalCode, a.BillToCountryCode, a.BillToMyOtherAccount}
}

func otherValue(o *shipstation.Order) any {
	a := o.AdvancedOptions
	return []any{trim(o.CustomerNotes), o.Gift, trim(o.GiftMessage), trim(o.PaymentMethod), instant(o.PaymentDate),
		instant(o.ShipByDate), o.InternationalOptions, trim(a.CustomField2), trim(a.CustomField3),
		a.NonMachinable, a.SaturdayDelivery, a.ContainsAlcohol}
}
