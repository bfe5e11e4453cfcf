package pushorders

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// maxOrderNumber is the longest orderNumber createorders accepts. A longer
// Quipt OrderNumber is cut; customField1 keeps it whole.
const maxOrderNumber = 50

// shipStationOrder builds the whole ShipStation order for o: createorders
// has no partial update, so every field shipsync owns is always sent. It
// returns instead why o cannot be sent (every problem found, joined by "; ").
// The result has no OrderID: the caller adds it for updates.
func (j *PushOrders) shipStationOrder(o quipt.Order) (shipstation.Order, string) {
	var problems []string
	items := orderItems(o.Lines)
	if strings.TrimSpace(o.OrderNumber) == "" {
		problems = append(problems, "missing OrderNumber")
	}
	if len(items) == 0 {
		problems = append(problems, "no lines to ship")
	}
	if o.ShipTo.Address1 == "" || o.ShipTo.Country == "" {
		problems = append(problems, "incomplete ShipTo address")
	}
	storeID, ok := j.storeID(o.Channel.Name)
	if !ok {
		problems = append(problems, "unknown channel "+strconv.Quote(o.Channel.Name)+": add it to CHANNEL_STORES or set SINGLE_STORE_ID")
	}
	warehouseID, ok := j.warehouseID(o.WarehouseCode)
	if !ok {
		problems = append(problems, "unknown warehouse "+strconv.Quote(o.WarehouseCode)+": add it to WAREHOUSES")
	}
	own, _ := mapping.ParseCarrier(jobs.Value(o.Shipping.CarrierCode))
	sel, err := j.Selector.Select(mapping.Request{
		Method:  o.Shipping.RequestedMethod,
		Carrier: own,
		Service: jobs.Value(o.Shipping.CarrierMethod),
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return shipstation.Order{}, strings.Join(problems, "; ")
	}

	carrier := sel.Carrier.ShipStationCode(j.Env.USPSCode)
	ss := shipstation.Order{
		OrderNumber:              truncate(o.OrderNumber, maxOrderNumber),
		OrderKey:                 jobs.PushedKeyPrefix + o.ID,
		OrderDate:                shipstation.Time{Time: o.CreatedAt},
		OrderStatus:              orderStatus(o),
		CustomerUsername:         jobs.FirstNonEmpty(o.Customer.Email, o.Customer.Name),
		CustomerEmail:            o.Customer.Email,
		BillTo:                   shipstation.Address{Name: jobs.FirstNonEmpty(o.Customer.Name, o.ShipTo.Name), Phone: o.Customer.Phone},
		ShipTo:                   shipTo(o.ShipTo),
		Items:                    items,
		AmountPaid:               o.Totals.Total,
		TaxAmount:                o.Totals.Tax,
		ShippingAmount:           o.Totals.Shipping,
		RequestedShippingService: o.Shipping.RequestedMethod,
		CarrierCode:              &carrier,
		ServiceCode:              &sel.Service,
		PackageCode:              jobs.Optional(sel.Package),
		Confirmation:             sel.Confirmation,
		AdvancedOptions: shipstation.AdvancedOptions{
			StoreID:      storeID,
			WarehouseID:  warehouseID,
			Source:       o.Channel.Name,
			CustomField1: o.OrderNumber,
		},
	}
	if b := sel.BillTo; b != nil {
		ss.AdvancedOptions.BillToParty = b.Party
		ss.AdvancedOptions.BillToAccount = b.Account
		ss.AdvancedOptions.BillToPostalCode = b.PostalCode
		ss.AdvancedOptions.BillToCountryCode = b.CountryCode
	}
	return ss, ""
}

// storeID routes a channel to a ShipStation store: SingleStoreID when set,
// else ChannelStores by the channel's name, matched exactly, then ignoring
// case and runs of white space.
func (j *PushOrders) storeID(channel string) (int64, bool) {
	if j.SingleStoreID != 0 {
		return j.SingleStoreID, true
	}
	if id, ok := j.ChannelStores[channel]; ok {
		return id, true
	}
	want := mapping.NormalizeMethod(channel)
	for name, id := range j.ChannelStores {
		if mapping.NormalizeMethod(name) == want {
			return id, true
		}
	}
	return 0, false
}

// warehouseID routes a Quipt warehouse code to a ShipStation warehouseId,
// matched exactly, then ignoring case. An order without a code gets none, so
// ShipStation uses the account's default ship-from location.
func (j *PushOrders) warehouseID(code string) (int64, bool) {
	if code == "" {
		return 0, true
	}
	if id, ok := j.Warehouses[code]; ok {
		return id, true
	}
	for c, id := range j.Warehouses {
		if strings.EqualFold(c, code) {
			return id, true
		}
	}
	return 0, false
}

// orderStatus is the ShipStation status a Quipt order is pushed with: Pending
// (still validating, pushed only with IncludePending) becomes
// awaiting_payment, so nobody ships it yet; an Open order on hold becomes
// on_hold; every other Open order awaiting_shipment.
func orderStatus(o quipt.Order) string {
	switch {
	case o.Status == quipt.StatusPending:
		return shipstation.StatusAwaitingPayment
	case o.SubStatus == quipt.SubStatusHold:
		return shipstation.StatusOnHold
	default:
		return shipstation.StatusAwaitingShipment
	}
}

// orderItems turns the lines to ship into ShipStation items. lineItemKey is
// the Quipt line Id, through which sync-tracking maps shipped items back.
func orderItems(lines []quipt.Line) []shipstation.OrderItem {
	var items []shipstation.OrderItem
	for _, l := range lines {
		if l.Quantity <= 0 {
			continue
		}
		items = append(items, shipstation.OrderItem{
			LineItemKey:    l.ID,
			SKU:            l.SKU,
			Name:           jobs.FirstNonEmpty(l.Name, l.SKU),
			Quantity:       l.Quantity,
			UnitPrice:      l.UnitPrice,
			FulfillmentSKU: l.VendorSKU,
		})
	}
	return items
}

func shipTo(a quipt.Address) shipstation.Address {
	return shipstation.Address{
		Name:        a.Name,
		Company:     jobs.Value(a.Company),
		Street1:     a.Address1,
		Street2:     jobs.Value(a.Address2),
		City:        a.City,
		State:       a.State,
		PostalCode:  a.PostalCode,
		Country:     a.Country,
		Phone:       a.Phone,
		Residential: a.Residential,
	}
}

// truncate cuts s to at most n bytes, never inside a character. n bytes of
// UTF-8 are never more than n UTF-16 code units, the unit ShipStation (.NET)
// counts its maximum lengths in.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
