package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
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
	// write appends the group's part of o, normalised so that an order read
	// back from ShipStation hashes as it was sent, as JSON: the bytes
	// json.Marshal writes for the group's value as the tests define it
	// (groupValues), since the hashes are kept in push records.
	write func(b []byte, o *shipstation.Order) ([]byte, error)
	// take copies the group's fields of src into dst.
	take func(dst, src *shipstation.Order)
}

// groups are every field group of a pushed order. The fields shipsync never
// sets (gift, notes from the buyer, customs, custom fields 2 and 3, ...) are
// the "other" group: a person may set them in ShipStation, so they are kept.
var groups = []group{
	{"ship_to", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) { return writeAddress(b, &o.ShipTo) },
		func(d, s *shipstation.Order) { d.ShipTo = s.ShipTo }},
	{"bill_to", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) { return writeAddress(b, &o.BillTo) },
		func(d, s *shipstation.Order) { d.BillTo = s.BillTo }},
	{"items", ownerQuipt, true, writeItems, func(d, s *shipstation.Order) { d.Items = s.Items }},
	{"amounts", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) {
		w := jsonwrite.BeginArray(b)
		w.Float(cents(o.AmountPaid))
		w.Float(cents(o.TaxAmount))
		w.Float(cents(o.ShippingAmount))
		return w.End()
	}, func(d, s *shipstation.Order) {
		d.AmountPaid, d.TaxAmount, d.ShippingAmount = s.AmountPaid, s.TaxAmount, s.ShippingAmount
	}},
	{"requested_service", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) {
		return jsonwrite.AppendString(b, trim(o.RequestedShippingService)), nil
	}, func(d, s *shipstation.Order) { d.RequestedShippingService = s.RequestedShippingService }},
	{"store", ownerQuipt, false, func(b []byte, o *shipstation.Order) ([]byte, error) {
		return strconv.AppendInt(b, o.AdvancedOptions.StoreID, 10), nil
	}, func(d, s *shipstation.Order) { d.AdvancedOptions.StoreID = s.AdvancedOptions.StoreID }},
	{"warehouse", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) {
		return strconv.AppendInt(b, o.AdvancedOptions.WarehouseID, 10), nil
	}, func(d, s *shipstation.Order) { d.AdvancedOptions.WarehouseID = s.AdvancedOptions.WarehouseID }},
	{"order", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) {
		w := jsonwrite.BeginArray(b)
		w.String(trim(o.OrderNumber))
		w.String(instant(o.OrderDate))
		w.String(trim(o.AdvancedOptions.CustomField1))
		w.String(trim(o.AdvancedOptions.Source))
		return w.End()
	}, func(d, s *shipstation.Order) {
		d.OrderNumber, d.OrderDate = s.OrderNumber, s.OrderDate
		d.AdvancedOptions.CustomField1, d.AdvancedOptions.Source = s.AdvancedOptions.CustomField1, s.AdvancedOptions.Source
	}},
	{"customer", ownerQuipt, true, func(b []byte, o *shipstation.Order) ([]byte, error) {
		w := jsonwrite.BeginArray(b)
		w.String(trim(o.CustomerUsername))
		w.String(strings.ToLower(trim(o.CustomerEmail)))
		return w.End()
	}, func(d, s *shipstation.Order) {
		d.CustomerUsername, d.CustomerEmail = s.CustomerUsername, s.CustomerEmail
	}},
	{"status", ownerShipStation, false, writeStatus, func(d, s *shipstation.Order) {
		d.OrderStatus, d.HoldUntilDate = s.OrderStatus, s.HoldUntilDate
	}},
	{"carrier", ownerShipStation, false, writeCarrier, takeCarrier},
	{"weight", ownerShipStation, false, func(b []byte, o *shipstation.Order) ([]byte, error) {
		w := jsonwrite.BeginArray(b)
		w.Float(roundTo(o.Weight.Value, 1e4))
		w.String(strings.ToLower(o.Weight.Units))
		return w.End()
	}, func(d, s *shipstation.Order) { d.Weight = s.Weight }},
	{"dimensions", ownerShipStation, false, func(b []byte, o *shipstation.Order) ([]byte, error) {
		return jsonwrite.Append(b, o.Dimensions)
	}, func(d, s *shipstation.Order) { d.Dimensions = s.Dimensions }},
	{"insurance", ownerShipStation, false, func(b []byte, o *shipstation.Order) ([]byte, error) {
		w := jsonwrite.Begin(b)
		w.String("provider", o.InsuranceOptions.Provider, true)
		w.Bool("insureShipment", o.InsuranceOptions.InsureShipment, false)
		w.Float("insuredValue", o.InsuranceOptions.InsuredValue, false)
		return w.End()
	}, func(d, s *shipstation.Order) { d.InsuranceOptions = s.InsuranceOptions }},
	{"internal_notes", ownerShipStation, false, func(b []byte, o *shipstation.Order) ([]byte, error) {
		return jsonwrite.AppendString(b, trim(o.InternalNotes)), nil
	}, func(d, s *shipstation.Order) { d.InternalNotes = s.InternalNotes }},
	{"tags", ownerShipStation, false, writeTags, func(d, s *shipstation.Order) { d.TagIDs = s.TagIDs }},
	{"other", ownerShipStation, false, writeOther, takeOther},
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
// normalised value's JSON (the hashes are kept in push records, so they
// must not change: TestGroupHashesAreMarshalHashes).
func (g group) hash(o *shipstation.Order) string {
	h, _ := g.hashWith(o, nil)
	return h
}

// hashWith is hash, writing the JSON into buf, which it returns for the
// next group's use.
func (g group) hashWith(o *shipstation.Order, buf []byte) (string, []byte) {
	b, err := g.write(buf, o)
	if err != nil { // plain, finite data (roundTo): it cannot fail
		panic("pushorders: hash field group " + g.name + ": " + err.Error())
	}
	sum := sha256.Sum256(b)
	var digits [16]byte
	hex.Encode(digits[:], sum[:8])
	return string(digits[:]), b
}

// writeAddress writes an address's normalised value. residential and the
// verification result are left out: ShipStation's address check may set them.
func writeAddress(b []byte, a *shipstation.Address) ([]byte, error) {
	w := jsonwrite.BeginArray(b)
	w.String(trim(a.Name))
	w.String(trim(a.Company))
	w.String(trim(a.Street1))
	w.String(trim(a.Street2))
	w.String(trim(a.Street3))
	w.String(trim(a.City))
	w.String(strings.ToUpper(trim(a.State)))
	w.String(trim(a.PostalCode))
	w.String(strings.ToUpper(trim(a.Country)))
	w.String(trim(a.Phone))
	return w.End()
}

// writeItems writes the lines' normalised value, in the order of their line
// keys: the parts Quipt owns (a person's weight or bin location of a line is
// kept by merge).
func writeItems(b []byte, o *shipstation.Order) ([]byte, error) {
	type line struct {
		key string
		it  *shipstation.OrderItem
	}
	var stack [8]line
	lines := stack[:0]
	for i := range o.Items {
		lines = append(lines, line{trim(o.Items[i].LineItemKey), &o.Items[i]})
	}
	slices.SortFunc(lines, func(x, y line) int { return strings.Compare(x.key, y.key) })
	w := jsonwrite.BeginArray(b)
	for _, l := range lines {
		w.Array(func(a *jsonwrite.Array) {
			a.String(l.key)
			a.String(trim(l.it.SKU))
			a.String(trim(l.it.Name))
			a.Int(int64(l.it.Quantity))
			a.Float(cents(l.it.UnitPrice))
			a.String(trim(l.it.FulfillmentSKU))
		})
	}
	return w.End()
}

// writeStatus writes the status, and the hold's end while it is on hold.
func writeStatus(b []byte, o *shipstation.Order) ([]byte, error) {
	w := jsonwrite.BeginArray(b)
	w.String(o.OrderStatus)
	if o.OrderStatus == shipstation.StatusOnHold {
		w.String(instant(o.HoldUntilDate))
	}
	return w.End()
}

// writeCarrier writes the carrier, service, package, confirmation and
// billing of the order.
func writeCarrier(b []byte, o *shipstation.Order) ([]byte, error) {
	a := &o.AdvancedOptions
	w := jsonwrite.BeginArray(b)
	w.String(deref(o.CarrierCode))
	w.String(deref(o.ServiceCode))
	w.String(deref(o.PackageCode))
	w.String(trim(o.Confirmation))
	w.String(a.BillToParty)
	w.String(a.BillToAccount)
	w.String(a.BillToPostalCode)
	w.String(a.BillToCountryCode)
	w.Int(a.BillToMyOtherAccount)
	return w.End()
}

// writeTags writes the tag ids in order (null when the order has none).
func writeTags(b []byte, o *shipstation.Order) ([]byte, error) {
	if o.TagIDs == nil {
		return append(b, "null"...), nil
	}
	var stack [16]int64
	tags := append(stack[:0], o.TagIDs...)
	slices.Sort(tags)
	w := jsonwrite.BeginArray(b)
	for _, t := range tags {
		w.Int(t)
	}
	return w.End()
}

// writeOther writes the fields shipsync never sets.
func writeOther(b []byte, o *shipstation.Order) ([]byte, error) {
	a := &o.AdvancedOptions
	w := jsonwrite.BeginArray(b)
	w.String(trim(o.CustomerNotes))
	w.Bool(o.Gift)
	w.String(trim(o.GiftMessage))
	w.String(trim(o.PaymentMethod))
	w.String(instant(o.PaymentDate))
	w.String(instant(o.ShipByDate))
	w.Object(func(intl *jsonwrite.Object) {
		intl.String("contents", o.InternationalOptions.Contents, true)
		if len(o.InternationalOptions.CustomsItems) > 0 {
			intl.Value("customsItems", o.InternationalOptions.CustomsItems)
		}
		intl.String("nonDelivery", o.InternationalOptions.NonDelivery, true)
	})
	w.String(trim(a.CustomField2))
	w.String(trim(a.CustomField3))
	w.Bool(a.NonMachinable)
	w.Bool(a.SaturdayDelivery)
	w.Bool(a.ContainsAlcohol)
	return w.End()
}

func takeCarrier(d, s *shipstation.Order) {
	d.CarrierCode, d.ServiceCode, d.PackageCode, d.Confirmation = s.CarrierCode, s.ServiceCode, s.PackageCode, s.Confirmation
	a, b := &d.AdvancedOptions, s.AdvancedOptions
	a.BillToParty, a.BillToAccount, a.BillToPostalCode = b.BillToParty, b.BillToAccount, b.BillToPostalCode
	a.BillToCountryCode, a.BillToMyOtherAccount = b.BillToCountryCode, b.BillToMyOtherAccount
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
func cents(f float64) float64 { return roundTo(f, 100) }

// roundTo rounds f to a multiple of 1/scale. A number so large that f*scale
// overflows has no fraction left to round and is returned as it is: the
// infinity would fail the group's JSON, and with it the order.
func roundTo(f, scale float64) float64 {
	if r := math.Round(f*scale) / scale; !math.IsInf(r, 0) {
		return r
	}
	return f
}

// instant is t to the second in UTC, "" when zero.
func instant(t shipstation.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
