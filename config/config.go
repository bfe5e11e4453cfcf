// Package config is shipsync's environment contract (DESIGN.md §4): it reads
// every variable, with its default, from a map of the environment, folds in
// the NAME_FILE form of the secrets, and validates everything at once, so the
// operator sees one plain line per problem, each naming its variable.
//
// Each variable is declared once, by the tags of the Config field it fills
// (see Variable): reading, validation, the startup summary (MarshalZerologObject)
// and the `shipsync help env` listing (Variables) all follow from that field.
package config

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// Config is the validated configuration. Optional IDs are 0 when unset; the
// secrets are Secrets, so printing or encoding a Config never shows them.
//
// Every field is one environment variable, declared by its tags, in the order
// of DESIGN.md §4 (see Variable for what each tag means). The field's type
// chooses how the text is read; the check tag narrows it.
type Config struct {
	// RedisURL is a redis:// or rediss:// URL; a Secret because it may carry
	// a password.
	RedisURL Secret `env:"REDIS_URL,required" envFile:"" check:"redis url" help:"redis:// or rediss:// URL (may carry a password)"`
	// StatePrefix prefixes every Redis key (letters, digits, "_", "." and "-").
	StatePrefix string `env:"STATE_PREFIX" envDefault:"shipsync" check:"key prefix" help:"Redis key prefix; one per connection sharing a Redis"`

	ShipStationAPIKey    Secret `env:"SHIPSTATION_API_KEY,required" envFile:"" help:"ShipStation v1 API key"`
	ShipStationAPISecret Secret `env:"SHIPSTATION_API_SECRET,required" envFile:"" help:"ShipStation v1 API secret"`
	// ShipStationBaseURL is an absolute http(s) URL without a trailing "/".
	ShipStationBaseURL string `env:"SHIPSTATION_BASE_URL" envDefault:"https://ssapi.shipstation.com" check:"url" help:"ShipStation API base URL"`
	// ShipStationPartnerKey is sent as x-partner; zero when unset.
	ShipStationPartnerKey Secret `env:"SHIPSTATION_PARTNER_KEY" envFile:"" help:"sent as x-partner"`
	// ShipStationRateLimit is the requests per minute this worker may use, 1..1000.
	ShipStationRateLimit int `env:"SHIPSTATION_RATE_LIMIT" envDefault:"40" check:"1..1000" help:"requests per minute this worker may use on the key (leave headroom for other apps)"`

	// QuiptBaseURL is an absolute http(s) URL without a trailing "/".
	QuiptBaseURL string `env:"QUIPT_BASE_URL" envDefault:"https://api.getquipt.com" check:"url" help:"Quipt API base URL"`
	// QuiptConsumerKey and QuiptToken identify the OAuth 1.0a client and
	// token; they are not secret, but may be read from files beside the
	// secrets.
	QuiptConsumerKey    string `env:"QUIPT_CONSUMER_KEY,required" envFile:"" help:"OAuth 1.0a consumer key"`
	QuiptConsumerSecret Secret `env:"QUIPT_CONSUMER_SECRET,required" envFile:"" help:"OAuth 1.0a consumer secret"`
	QuiptToken          string `env:"QUIPT_TOKEN,required" envFile:"" help:"OAuth 1.0a token"`
	QuiptTokenSecret    Secret `env:"QUIPT_TOKEN_SECRET,required" envFile:"" help:"OAuth 1.0a token secret"`
	// QuiptConcurrency bounds the Quipt requests in flight at once, 1..64.
	QuiptConcurrency int `env:"QUIPT_CONCURRENCY" envDefault:"8" check:"1..64" help:"most Quipt requests in flight at once (lowered on 429 and 5xx, raised again on success)"`

	// GetOrdersSchedule and the other ...Schedule fields say when each job
	// runs; Schedule.Cron is the parsed form, nil when off.
	GetOrdersSchedule Schedule `env:"GET_ORDERS_SCHEDULE" envDefault:"@every 1m" help:"when get-orders runs: 5-field cron, @hourly, @every 5m, or off"`
	// GetOrdersStatus is a ShipStation order status, lower case.
	GetOrdersStatus string `env:"GET_ORDERS_STATUS" envDefault:"awaiting_shipment" check:"one of awaiting_payment awaiting_shipment pending_fulfillment shipped on_hold cancelled rejected_fulfillment" help:"ShipStation order status to import"`
	// GetOrdersTagID limits get-orders to orders with this tag; 0 = no tag.
	GetOrdersTagID int64 `env:"GET_ORDERS_TAG_ID" help:"only orders with this ShipStation tag"`
	// GetOrdersDays is the look-back window in days, 1..365.
	GetOrdersDays int `env:"GET_ORDERS_DAYS" envDefault:"7" check:"1..365" help:"only orders created within the last N days"`
	// GetOrdersSweep is the longest time between two reads of the whole
	// window; the runs in between read only the orders modified since the
	// cursor.
	GetOrdersSweep time.Duration `env:"GET_ORDERS_SWEEP" envDefault:"1h" help:"between two reads of the whole window; runs in between read only orders modified since the cursor"`
	// AssignUserID is the ShipStation user GUID to assign; "" = none.
	AssignUserID string `env:"ASSIGN_USER_ID" check:"guid" help:"ShipStation user GUID assigned after import"`

	PushOrdersSchedule Schedule `env:"PUSH_ORDERS_SCHEDULE" envDefault:"@every 1m" help:"when push-orders runs: 5-field cron, @hourly, @every 5m, or off"`
	PushPendingOrders  bool     `env:"PUSH_PENDING_ORDERS" envDefault:"false" help:"also push orders still validating (Pending)"`
	// SingleStoreID routes every pushed order to this store; 0 = use ChannelStores.
	SingleStoreID int64 `env:"SINGLE_STORE_ID" help:"all pushed orders to this ShipStation store; else CHANNEL_STORES"`
	// ChannelStores maps a Quipt channel name to a ShipStation storeId; nil when unset.
	ChannelStores map[string]int64 `env:"CHANNEL_STORES" check:"name=storeId" help:"Channel Name=storeId,... (a store per Quipt channel)"`
	// Warehouses maps a Quipt warehouse code to a ShipStation warehouseId; nil when unset.
	Warehouses map[string]int64 `env:"WAREHOUSES" check:"name=warehouseId" help:"QUIPT_CODE=warehouseId,..."`

	// ShippingMappings come from SHIPPING_MAPPINGS or SHIPPING_MAPPINGS_FILE.
	ShippingMappings []mapping.Mapping `env:"SHIPPING_MAPPINGS" help:"Method=carrier:service[:package[:confirmation]];... or, in SHIPPING_MAPPINGS_FILE, a JSON array (DESIGN.md §3)"`
	// PreferredCarrier is the default carrier; "" = none.
	PreferredCarrier mapping.Carrier `env:"PREFERRED_CARRIER" help:"default carrier: ups, fedex, usps or dhl"`
	// DefaultService goes with PreferredCarrier (set whenever it is).
	DefaultService        string `env:"DEFAULT_SERVICE" check:"with PREFERRED_CARRIER" help:"service of the default carrier"`
	DefaultCarrierEnabled bool   `env:"DEFAULT_CARRIER_ENABLED" envDefault:"true" help:"use the default carrier when no mapping matches"`
	USPSEnabled           bool   `env:"USPS_ENABLED" envDefault:"true" help:"USPS may be chosen"`

	SyncTrackingSchedule Schedule `env:"SYNC_TRACKING_SCHEDULE" envDefault:"@every 1m" help:"when sync-tracking runs: 5-field cron, @hourly, @every 5m, or off"`
	// NotifyCustomer and NotifySalesChannel are the flags of ShipStation's
	// mark-as-shipped.
	NotifyCustomer     bool `env:"NOTIFY_CUSTOMER" envDefault:"false" help:"mark-as-shipped notifies the customer"`
	NotifySalesChannel bool `env:"NOTIFY_SALES_CHANNEL" envDefault:"true" help:"mark-as-shipped notifies the sales channel"`

	SyncCancelsSchedule Schedule   `env:"SYNC_CANCELS_SCHEDULE" envDefault:"@every 1m" help:"when sync-cancels runs: 5-field cron, @hourly, @every 5m, or off"`
	CancelMode          CancelMode `env:"CANCEL_MODE" envDefault:"soft" check:"one of soft hard" help:"soft (cancel the shipment) or hard (cancel and refund the order)"`

	LinkListingsSchedule Schedule `env:"LINK_LISTINGS_SCHEDULE" envDefault:"0 3 * * *" help:"when link-listings runs: 5-field cron, @hourly, @every 5m, or off"`

	ReconcileSchedule Schedule `env:"RECONCILE_SCHEDULE" envDefault:"30 3 * * *" help:"when reconcile runs: 5-field cron, @hourly, @every 5m, or off"`
	// ReconcileDays is the window reconcile compares, in days.
	ReconcileDays int `env:"RECONCILE_DAYS" envDefault:"30" check:"1..365" help:"window compared by reconcile, in days"`
	// ReconcileBudgetShare is the share of SHIPSTATION_RATE_LIMIT reconcile's
	// own ShipStation reads may use, so the other jobs keep syncing.
	ReconcileBudgetShare float64 `env:"RECONCILE_BUDGET_SHARE" envDefault:"0.5" check:"0.01..1" help:"share of SHIPSTATION_RATE_LIMIT reconcile's reads may use (0.01 to 1)"`

	DryRun bool `env:"DRY_RUN" envDefault:"false" help:"read everything, write nothing, log what would be written"`
	// HTTPAddr is the host:port of /metrics, /healthz and /readyz.
	HTTPAddr  string        `env:"HTTP_ADDR" envDefault:":8080" check:"host:port" help:"address of /metrics, /healthz and /readyz"`
	LogLevel  zerolog.Level `env:"LOG_LEVEL" envDefault:"info" help:"trace, debug, info, warn or error"`
	LogFormat LogFormat     `env:"LOG_FORMAT" envDefault:"json" check:"one of json console" help:"json, or console for people at a terminal"`

	// ShutdownGrace (SHUTDOWN_GRACE, default 25s, DESIGN.md §4): how long
	// SIGTERM waits for the runs in hand before cancelling them. The default
	// stays below Kubernetes' 30 s termination grace period.
	ShutdownGrace time.Duration `env:"SHUTDOWN_GRACE" envDefault:"25s" help:"how long SIGTERM waits for the runs in hand"`
	// LeaseTTL (LEASE_TTL, default 60s, DESIGN.md §4): how long a job's
	// lease outlives a replica that died holding it, i.e. how soon another
	// replica may take the job over. The holder renews it every third of it.
	LeaseTTL time.Duration `env:"LEASE_TTL" envDefault:"60s" help:"how long a job's lease outlives a replica that died holding it"`
	// WriteSettle (WRITE_SETTLE, default 10m, DESIGN.md §2.2): how long a
	// markasshipped or assignuser whose outcome is unknown is left alone
	// before a fresh read decides whether it is sent again. It must exceed
	// the ShipStation client's timeout plus LEASE_TTL, so that a request
	// held on the wire, or sent by a replica that has since lost its lease,
	// has landed or died by then.
	WriteSettle time.Duration `env:"WRITE_SETTLE" envDefault:"10m" help:"how long a write without idempotency key whose outcome is unknown is left to settle before it is checked and perhaps sent again; more than 60s + LEASE_TTL"`
}

// CancelMode is how sync-cancels cancels a Quipt order (DESIGN.md §2).
type CancelMode string

// The cancel modes.
const (
	// CancelSoft cancels the shipment; the order goes to "Cancelled By
	// Warehouse" so inventory can be reassigned.
	CancelSoft CancelMode = "soft"
	// CancelHard cancels the quantities; the order is cancelled and refunded.
	CancelHard CancelMode = "hard"
)

// LogFormat is the log output format.
type LogFormat string

// The log formats.
const (
	LogJSON    LogFormat = "json"
	LogConsole LogFormat = "console"
)
