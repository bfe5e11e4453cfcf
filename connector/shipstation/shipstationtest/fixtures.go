package shipstationtest

import "time"

// IDs of the default account fixtures seeded by WithDefaultAccount.
const (
	DefaultStoreID    int64 = 88231 // "Web Store", the manual store
	AmazonStoreID     int64 = 88232 // "Amazon"
	AustinWarehouseID int64 = 301456
	RenoWarehouseID   int64 = 301457
	QuiptTagID        int64 = 41822
	PriorityTagID     int64 = 41907
	DefaultUserID           = "5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53"
	SecondUserID            = "a3e97b10-2c64-4f8d-9e05-b81c6d4f2a77"
)

// DefaultCarriers returns the carrier accounts of
// testdata/shipstation/carriers-list.json.
func DefaultCarriers() []Carrier {
	return []Carrier{
		{Name: "Stamps.com", Code: "stamps_com", AccountNumber: "SS48213", RequiresFundedAccount: true, Balance: 212.37, ShippingProviderID: 418204, Primary: true},
		{Name: "Stamps.com", Code: "stamps_com", AccountNumber: "SS48977", RequiresFundedAccount: true, Balance: 48.05, Nickname: new("Stamps.com - East WH"), ShippingProviderID: 418219},
		{Name: "UPS by ShipStation", Code: "ups_walleted", AccountNumber: "0W7R31", RequiresFundedAccount: true, Balance: 212.37, ShippingProviderID: 418205, Primary: true},
		{Name: "UPS", Code: "ups", AccountNumber: "7Y1R42", Nickname: new("Own UPS account"), ShippingProviderID: 418207, Primary: true},
		{Name: "FedEx", Code: "fedex", AccountNumber: "510087443", Nickname: new("FedEx - Main"), ShippingProviderID: 418206, Primary: true},
		{Name: "DHL Express by ShipStation", Code: "dhl_express_worldwide", AccountNumber: "958112044", RequiresFundedAccount: true, Balance: 212.37, ShippingProviderID: 418211, Primary: true},
	}
}

// DefaultServices returns the services of the default carriers, by carrier
// code.
func DefaultServices() map[string][]Service {
	ups := func(carrier string) []Service {
		return []Service{
			{CarrierCode: carrier, Code: "ups_ground", Name: "UPS® Ground", Domestic: true},
			{CarrierCode: carrier, Code: "ups_next_day_air", Name: "UPS Next Day Air®", Domestic: true},
			{CarrierCode: carrier, Code: "ups_2nd_day_air", Name: "UPS 2nd Day Air®", Domestic: true},
		}
	}
	return map[string][]Service{
		"ups":          ups("ups"),
		"ups_walleted": ups("ups_walleted"),
		"fedex": {
			{CarrierCode: "fedex", Code: "fedex_ground", Name: "FedEx Ground®", Domestic: true},
			{CarrierCode: "fedex", Code: "fedex_home_delivery", Name: "FedEx Home Delivery®", Domestic: true},
			{CarrierCode: "fedex", Code: "fedex_2day", Name: "FedEx 2Day®", Domestic: true},
		},
		"stamps_com": {
			{CarrierCode: "stamps_com", Code: "usps_priority_mail", Name: "USPS Priority Mail", Domestic: true},
			{CarrierCode: "stamps_com", Code: "usps_ground_advantage", Name: "USPS Ground Advantage", Domestic: true},
			{CarrierCode: "stamps_com", Code: "usps_first_class_mail", Name: "USPS First Class Mail", Domestic: true},
		},
		"dhl_express_worldwide": {
			{CarrierCode: "dhl_express_worldwide", Code: "dhl_express_worldwide", Name: "DHL Express Worldwide", International: true},
		},
	}
}

// DefaultStores returns the two default stores: the manual "Web Store" and
// "Amazon".
func DefaultStores() []Store {
	created := fixtureTime()
	return []Store{
		{StoreID: DefaultStoreID, StoreName: "Web Store", MarketplaceID: 0, MarketplaceName: "ShipStation", Active: true,
			CompanyName: "Example Outfitters", CreateDate: created, ModifyDate: created},
		{StoreID: AmazonStoreID, StoreName: "Amazon", MarketplaceID: 2, MarketplaceName: "Amazon", Active: true,
			CompanyName: "Example Outfitters", AutoRefresh: true, CreateDate: created, ModifyDate: created},
	}
}

// DefaultWarehouses returns the two default ship-from locations.
func DefaultWarehouses() []Warehouse {
	created := fixtureTime()
	austin := &Address{Name: "Austin DC", Company: new("Example Outfitters"), Street1: new("4801 Industrial Oaks Blvd"),
		City: new("Austin"), State: new("TX"), PostalCode: new("78735"), Country: new("US"), Phone: new("512-555-0100"), Residential: new(false)}
	reno := &Address{Name: "Reno DC", Company: new("Example Outfitters"), Street1: new("2600 E Greg St"),
		City: new("Sparks"), State: new("NV"), PostalCode: new("89431"), Country: new("US"), Phone: new("775-555-0100"), Residential: new(false)}
	return []Warehouse{
		{WarehouseID: AustinWarehouseID, WarehouseName: "Austin DC", OriginAddress: austin, ReturnAddress: clonePtr(austin), CreateDate: created, IsDefault: true},
		{WarehouseID: RenoWarehouseID, WarehouseName: "Reno DC", OriginAddress: reno, ReturnAddress: clonePtr(reno), CreateDate: created},
	}
}

// DefaultUsers returns the two default users.
func DefaultUsers() []User {
	return []User{
		{UserID: DefaultUserID, UserName: "ops@example.com", Name: "Ops Team"},
		{UserID: SecondUserID, UserName: "warehouse@example.com", Name: "Warehouse Lead"},
	}
}

// DefaultTags returns the two default order tags.
func DefaultTags() []Tag {
	return []Tag{
		{TagID: QuiptTagID, Name: "Quipt", Color: "#1E88E5"},
		{TagID: PriorityTagID, Name: "Priority", Color: "#E53935"},
	}
}

// fixtureTime is the creation time of the default account objects.
func fixtureTime() time.Time { return time.Date(2024, time.January, 15, 17, 30, 0, 0, time.UTC) }
