package config

// environment is the process environment as caarlos0/env reads it: every
// variable of DESIGN.md §4 as text, with its default. Converting the text
// ourselves (convert.go) lets every malformed value produce a problem line
// that names its variable. The NAME_FILE variables of the secrets are folded
// into NAME before this is parsed (files.go).
type environment struct {
	RedisURL    string `env:"REDIS_URL"`
	StatePrefix string `env:"STATE_PREFIX" envDefault:"shipsync"`

	ShipStationAPIKey     string `env:"SHIPSTATION_API_KEY"`
	ShipStationAPISecret  string `env:"SHIPSTATION_API_SECRET"`
	ShipStationBaseURL    string `env:"SHIPSTATION_BASE_URL" envDefault:"https://ssapi.shipstation.com"`
	ShipStationPartnerKey string `env:"SHIPSTATION_PARTNER_KEY"`
	ShipStationRateLimit  string `env:"SHIPSTATION_RATE_LIMIT" envDefault:"40"`

	QuiptBaseURL        string `env:"QUIPT_BASE_URL" envDefault:"https://api.getquipt.com"`
	QuiptConsumerKey    string `env:"QUIPT_CONSUMER_KEY"`
	QuiptConsumerSecret string `env:"QUIPT_CONSUMER_SECRET"`
	QuiptToken          string `env:"QUIPT_TOKEN"`
	QuiptTokenSecret    string `env:"QUIPT_TOKEN_SECRET"`

	GetOrdersSchedule string `env:"GET_ORDERS_SCHEDULE" envDefault:"*/5 * * * *"`
	GetOrdersStatus   string `env:"GET_ORDERS_STATUS" envDefault:"awaiting_shipment"`
	GetOrdersTagID    string `env:"GET_ORDERS_TAG_ID"`
	GetOrdersDays     string `env:"GET_ORDERS_DAYS" envDefault:"7"`
	AssignUserID      string `env:"ASSIGN_USER_ID"`

	PushOrdersSchedule string `env:"PUSH_ORDERS_SCHEDULE" envDefault:"*/5 * * * *"`
	PushPendingOrders  string `env:"PUSH_PENDING_ORDERS" envDefault:"false"`
	SingleStoreID      string `env:"SINGLE_STORE_ID"`
	ChannelStores      string `env:"CHANNEL_STORES"`
	Warehouses         string `env:"WAREHOUSES"`

	ShippingMappings      string `env:"SHIPPING_MAPPINGS"`
	ShippingMappingsFile  string `env:"SHIPPING_MAPPINGS_FILE"`
	PreferredCarrier      string `env:"PREFERRED_CARRIER"`
	DefaultService        string `env:"DEFAULT_SERVICE"`
	DefaultCarrierEnabled string `env:"DEFAULT_CARRIER_ENABLED" envDefault:"true"`
	USPSEnabled           string `env:"USPS_ENABLED" envDefault:"true"`

	SyncTrackingSchedule string `env:"SYNC_TRACKING_SCHEDULE" envDefault:"*/5 * * * *"`
	NotifyCustomer       string `env:"NOTIFY_CUSTOMER" envDefault:"false"`
	NotifySalesChannel   string `env:"NOTIFY_SALES_CHANNEL" envDefault:"true"`

	SyncCancelsSchedule string `env:"SYNC_CANCELS_SCHEDULE" envDefault:"*/5 * * * *"`
	CancelMode          string `env:"CANCEL_MODE" envDefault:"soft"`

	LinkListingsSchedule string `env:"LINK_LISTINGS_SCHEDULE" envDefault:"0 3 * * *"`

	DryRun    string `env:"DRY_RUN" envDefault:"false"`
	HTTPAddr  string `env:"HTTP_ADDR" envDefault:":8080"`
	LogLevel  string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LOG_FORMAT" envDefault:"json"`

	// ShutdownGrace is shipsync's own addition to DESIGN.md §4.
	ShutdownGrace string `env:"SHUTDOWN_GRACE" envDefault:"25s"`
	// LeaseTTL is shipsync's own addition to DESIGN.md §4.
	LeaseTTL string `env:"LEASE_TTL" envDefault:"60s"`
}
