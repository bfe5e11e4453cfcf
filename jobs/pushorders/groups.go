package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/jsonwrite"
	"github.com/shipsync/shipsync/connector/shipstation"
)

// owner is the side whose value a field group takes when both sides changed
// it (DESIGN.md §2.1).
type owner string

const (
	ownerQuipt       owner = "quipt"
	ownerShipStation owner = "shipstation"
)

// group is one field group of a pushed order: the unit of the three-way
// merge, with one small hash kept per group in the push record.
type group struct {
	name  string
	owner owner
	// versioned groups are compared by the version guard: Quipt owns them
	// and an update can change them (the store is set only at creation).
	versioned bool
	// value is the group's part of o, normalised so that an order read back
	// from ShipStation hashes as it was sent.
	value func(o *shipstation.Order) any
	// take copies the group's fields of src into dst.
	take func(dst, src *shipstation.Order)
}

// groups are every field group of a pushed order. The fields shipsync never
// sets (gift, notes from the buyer, customs, custom fields 2 and 3, ...) are
// the "other" group: a person may set them in ShipStation, so they are kept.
var groups = []group{
	{"ship_to", ownerQuipt, true, func(o *shipstation.Order) any { return address(o.ShipTo) },
		func(d, s *shipstation.Order) { d.ShipTo = s.ShipTo }},
	{"bill_to", ownerQuipt, true, func(o *shipstation.Order) any { return address(o.BillTo) },
		func(d, s *shipstation.Order) { d.BillTo = s.BillTo }},
	{"items", ownerQuipt, true, itemsValue, func(d, s *shipstation.Order) { d.Items = s.Items }},
	{"amounts", ownerQuipt, true, func(o *shipstation.Order) any {
		return []float64{cents(o.AmountPaid), cents(o.TaxAmount), cents(o.ShippingAmount)}
	}, func(d, s *shipstation.Order) {
		d.AmountPaid, d.TaxAmount, d.ShippingAmount = s.AmountPaid, s.TaxAmount, s.ShippingAmount
	}},
	{"requested_service", ownerQuipt, true, func(o *shipstation.Order) any { return trim(o.RequestedShippingService) },
		func(d, s *shipstation.Order) { d.RequestedShippingService = s.RequestedShippingService }},
	{"store", ownerQuipt, false, func(o *shipstation.Order) any { return o.AdvancedOptions.StoreID },
		func(d, s *shipstation.Order) { d.AdvancedOptions.StoreID = s.AdvancedOptions.StoreID }},
	{"warehouse", ownerQuipt, true, func(o *shipstation.Order) any { return o.AdvancedOptions.WarehouseID },
		func(d, s *shipstation.Order) { d.AdvancedOptions.WarehouseID = s.AdvancedOptions.WarehouseID }},
	{"order", ownerQuipt, true, func(o *shipstation.Order) any {
		return []string{trim(o.OrderNumber), instant(o.OrderDate), trim(o.AdvancedOptions.CustomField1), trim(o.AdvancedOptions.Source)}
	}, func(d, s *shipstation.Order) {
		d.OrderNumber, d.OrderDate = s.OrderNumber, s.OrderDate
		d.AdvancedOptions.CustomField1, d.AdvancedOptions.Source = s.AdvancedOptions.CustomField1, s.AdvancedOptions.Source
	}},
	{"customer", ownerQuipt, true, func(o *shipstation.Order) any {
		return []string{trim(o.CustomerUsername), strings.ToLower(trim(o.CustomerEmail))}
	}, func(d, s *shipstation.Order) {
		d.CustomerUsername, d.CustomerEmail = s.CustomerUsername, s.CustomerEmail
	}},
	{"status", ownerShipStation, false, statusValue, func(d, s *shipstation.Order) {
		d.OrderStatus, d.HoldUntilDate = s.OrderStatus, s.HoldUntilDate
	}},
	{"carrier", ownerShipStation, false, carrierValue, takeCarrier},
	{"weight", ownerShipStation, false, func(o *shipstation.Order) any {
		return []any{math.Round(o.Weight.Value*1e4) / 1e4, strings.ToLower(o.Weight.Units)}
	}, func(d, s *shipstation.Order) { d.Weight = s.Weight }},
	{"dimensions", ownerShipStation, false, func(o *shipstation.Order) any { return o.Dimensions },
		func(d, s *shipstation.Order) { d.Dimensions = s.Dimensions }},
	{"insurance", ownerShipStation, false, func(o *shipstation.Order) any { return o.InsuranceOptions },
		func(d, s *shipstation.Order) { d.InsuranceOptions = s.InsuranceOptions }},
	{"internal_notes", ownerShipStation, false, func(o *shipstation.Order) any { return trim(o.InternalNotes) },
		func(d, s *shipstation.Order) { d.InternalNotes = s.InternalNotes }},
	{"tags", ownerShipStation, false, func(o *shipstation.Order) any {
		t := slices.Clone(o.TagIDs)
		slices.Sort(t)
		return t
	}, func(d, s *shipstation.Order) { d.TagIDs = s.TagIDs }},
	{"other", ownerShipStation, false, otherValue, takeOther},
}

// groupOrder is the names of the field groups in byte order, the order
// json.Marshal writes a map's keys in (appendStringMap).
var groupOrder = func() []string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.name
	}
	slices.Sort(names)
	return names
}()

// groupHashes returns the hash of every field group of o.
func groupHashes(o *shipstation.Order) map[string]string {
	out := make(map[string]string, len(groups))
	buf := make([]byte, 0, 512)
	for _, g := range groups {
		out[g.name], buf = g.hashWith(o, buf[:0])
	}
	return out
}

// hash is the group's short hash in o: 16 hex digits of the SHA-256 of its
// normalised value's JSON (as json.Marshal writes it: the hashes are kept in
// push records, so they must not change).
func (g group) hash(o *shipstation.Order) string {
	h, _ := g.hashWith(o, nil)
	return h
}

// hashWith is hash, writing the JSON into buf, which it returns for the
// next group's use.
func (g group) hashWith(o *shipstation.Order, buf []byte) (string, []byte) {
	b, err := jsonwrite.Append(buf, g.value(o))
	if err != nil { // the values are plain data: it cannot fail
		panic("pushorders: hash field group " + g.name + ": " + err.Error())
	}
	sum := sha256.Sum256(b)
	var digits [16]byte
	hex.Encode(digits[:], sum[:8])
	return string(digits[:]), b
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

func takeCarrier(d, s *shipstation.Order) {
	d.CarrierCode, d.ServiceCode, d.PackageCode, d.Confirmation = s.CarrierCode, s.ServiceCode, s.PackageCode, s.Confirmation
	a, b := &d.AdvancedOptions, s.AdvancedOptions
	a.BillToParty, a.BillToAccount, a.BillToPostalCode = b.BillToParty, b.BillToAccount, b.BillToPostalCode
	a.BillToCountryCode, a.BillToMyOtherAccount = b.BillToCountryCode, b.BillToMyOtherAccount
}

func otherValue(o *shipstation.Order) any {
	a := o.AdvancedOptions
	return []any{trim(o.CustomerNotes), o.Gift, trim(o.GiftMessage), trim(o.PaymentMethod), instant(o.PaymentDate),
		instant(o.ShipByDate), o.InternationalOptions, trim(a.CustomField2), trim(a.CustomField3),
		a.NonMachinable, a.SaturdayDelivery, a.ContainsAlcohol}
}

func takeOther(d, s *shipstation.Order) {
	d.CustomerNotes, d.Gift, d.GiftMessage, d.PaymentMethod = s.CustomerNotes, s.Gift, s.GiftMessage, s.PaymentMethod
	d.PaymentDate, d.ShipByDate, d.InternationalOptions = s.PaymentDate, s.ShipByDate, s.InternationalOptions
	a, b := &d.AdvancedOptions, s.AdvancedOptions
	a.CustomField2, a.CustomField3 = b.CustomField2, b.CustomField3
	a.NonMachinable, a.SaturdayDelivery, a.ContainsAlcohol = b.NonMachinable, b.SaturdayDelivery, b.ContainsAlcohol
}

func trim(s string) string { return strings.TrimSpace(s) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return trim(*s)
}

// cents rounds an amount to the cent.
func cents(f float64) float64 { return math.Round(f*100) / 100 }

// instant is t to the second in UTC, "" when zero.
func instant(t shipstation.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
