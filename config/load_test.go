package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// defaults is the Config of the required variables alone.
func defaults() *Config {
	everyMinute := Schedule{Spec: "@every 1m"}
	return &Config{
		RedisURL:             NewSecret(redisURL),
		StatePrefix:          "shipsync",
		ShipStationAPIKey:    NewSecret(ssKey),
		ShipStationAPISecret: NewSecret(ssSecret),
		ShipStationBaseURL:   "https://ssapi.shipstation.com",
		ShipStationRateLimit: 40,
		QuiptBaseURL:         "https://api.getquipt.com",
		QuiptConsumerKey:     "quipt-consumer-key",
		QuiptConsumerSecret:  NewSecret(quiptConSecret),
		QuiptToken:           "quipt-token",
		QuiptTokenSecret:     NewSecret(quiptTokSecret),
		QuiptConcurrency:     8,

		GetOrdersSchedule: everyMinute,
		GetOrdersStatus:   "awaiting_shipment",
		GetOrdersDays:     7,
		GetOrdersSweep:    time.Hour,

		PushOrdersSchedule: everyMinute,

		DefaultCarrierEnabled: true,
		USPSEnabled:           true,

		SyncTrackingSchedule: everyMinute,
		NotifySalesChannel:   true,

		SyncCancelsSchedule: everyMinute,
		CancelMode:          CancelSoft,

		LinkListingsSchedule: Schedule{Spec: "0 3 * * *"},

		ReconcileSchedule:    Schedule{Spec: "30 3 * * *"},
		ReconcileDays:        30,
		ReconcileBudgetShare: 0.5,

		HTTPAddr:      ":8080",
		LogLevel:      zerolog.InfoLevel,
		LogFormat:     LogJSON,
		ShutdownGrace: 25 * time.Second,
		LeaseTTL:      time.Minute,
		WriteSettle:   10 * time.Minute,
	}
}

func TestLoadDefaults(t *testing.T) {
	got, err := Load(required(nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(defaults(), got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

// A variable set to "" counts as unset and takes its default.
func TestLoadEmptyTakesDefault(t *testing.T) {
	got, err := Load(required(map[string]string{
		"STATE_PREFIX": "", "GET_ORDERS_DAYS": "", "USPS_ENABLED": "", "LOG_LEVEL": "", "GET_ORDERS_TAG_ID": "",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(defaults(), got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestLoadEverything(t *testing.T) {
	environ := required(map[string]string{
		"REDIS_URL":               "rediss://redis.internal:6380",
		"STATE_PREFIX":            "acme.east-1_b",
		"SHIPSTATION_BASE_URL":    "http://127.0.0.1:8081/sandbox/",
		"SHIPSTATION_PARTNER_KEY": ssPartner,
		"SHIPSTATION_RATE_LIMIT":  "1000",
		"QUIPT_BASE_URL":          " https://sandbox.getquipt.com ",
		"QUIPT_CONCURRENCY":       "16",
		"GET_ORDERS_SCHEDULE":     "@every 2m",
		"GET_ORDERS_STATUS":       "On_Hold",
		"GET_ORDERS_TAG_ID":       "41822",
		"GET_ORDERS_DAYS":         "365",
		"GET_ORDERS_SWEEP":        "15m",
		"ASSIGN_USER_ID":          "F4C1A4E1-3b8e-4c2d-9a55-2f0e6d1c7b90",
		"PUSH_ORDERS_SCHEDULE":    "OFF",
		"PUSH_PENDING_ORDERS":     "TRUE",
		"SINGLE_STORE_ID":         "77",
		"CHANNEL_STORES":          "Web Shop = 12, Amazon US=13,",
		"WAREHOUSES":              "MAIN=501,EAST=502",
		"SHIPPING_MAPPINGS":       "Next Day Air=ups:ups_next_day_air;Ground=fedex:fedex_ground:package:signature",
		"PREFERRED_CARRIER":       "FedEx",
		"DEFAULT_SERVICE":         "fedex_ground",
		"DEFAULT_CARRIER_ENABLED": "0",
		"USPS_ENABLED":            "f",
		"SYNC_TRACKING_SCHEDULE":  "@hourly",
		"NOTIFY_CUSTOMER":         "1",
		"NOTIFY_SALES_CHANNEL":    "false",
		"SYNC_CANCELS_SCHEDULE":   "off",
		"CANCEL_MODE":             "HARD",
		"LINK_LISTINGS_SCHEDULE":  "30 2 * * 1-5",
		"RECONCILE_SCHEDULE":      "off",
		"RECONCILE_DAYS":          "90",
		"RECONCILE_BUDGET_SHARE":  " 0.25 ",
		"DRY_RUN":                 "true",
		"HTTP_ADDR":               "127.0.0.1:9090",
		"LOG_LEVEL":               "Debug",
		"LOG_FORMAT":              "console",
		"SHUTDOWN_GRACE":          "1m30s",
		"LEASE_TTL":               "15s",
		"WRITE_SETTLE":            "5m",
	})
	want := &Config{
		RedisURL:              NewSecret("rediss://redis.internal:6380"),
		StatePrefix:           "acme.east-1_b",
		ShipStationAPIKey:     NewSecret(ssKey),
		ShipStationAPISecret:  NewSecret(ssSecret),
		ShipStationBaseURL:    "http://127.0.0.1:8081/sandbox",
		ShipStationPartnerKey: NewSecret(ssPartner),
		ShipStationRateLimit:  1000,
		QuiptBaseURL:          "https://sandbox.getquipt.com",
		QuiptConsumerKey:      "quipt-consumer-key",
		QuiptConsumerSecret:   NewSecret(quiptConSecret),
		QuiptToken:            "quipt-token",
		QuiptTokenSecret:      NewSecret(quiptTokSecret),
		QuiptConcurrency:      16,

		GetOrdersSchedule: Schedule{Spec: "@every 2m"},
		GetOrdersStatus:   "on_hold",
		GetOrdersTagID:    41822,
		GetOrdersDays:     365,
		GetOrdersSweep:    15 * time.Minute,
		AssignUserID:      "F4C1A4E1-3b8e-4c2d-9a55-2f0e6d1c7b90",

		PushOrdersSchedule: Schedule{Off: true},
		PushPendingOrders:  true,
		SingleStoreID:      77,
		ChannelStores:      map[string]int64{"Web Shop": 12, "Amazon US": 13},
		Warehouses:         map[string]int64{"MAIN": 501, "EAST": 502},

		ShippingMappings: []mapping.Mapping{
			{Method: "Next Day Air", Carrier: mapping.UPS, Service: "ups_next_day_air"},
			{Method: "Ground", Carrier: mapping.FedEx, Service: "fedex_ground", Package: "package", Confirmation: "signature"},
		},
		PreferredCarrier:      mapping.FedEx,
		DefaultService:        "fedex_ground",
		DefaultCarrierEnabled: false,
		USPSEnabled:           false,

		SyncTrackingSchedule: Schedule{Spec: "@hourly"},
		NotifyCustomer:       true,
		NotifySalesChannel:   false,

		SyncCancelsSchedule: Schedule{Off: true},
		CancelMode:          CancelHard,

		LinkListingsSchedule: Schedule{Spec: "30 2 * * 1-5"},

		ReconcileSchedule:    Schedule{Off: true},
		ReconcileDays:        90,
		ReconcileBudgetShare: 0.25,

		DryRun:        true,
		HTTPAddr:      "127.0.0.1:9090",
		LogLevel:      zerolog.DebugLevel,
		LogFormat:     LogConsole,
		ShutdownGrace: 90 * time.Second,
		LeaseTTL:      15 * time.Second,
		WriteSettle:   5 * time.Minute,
	}
	got, err := Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

// Every variable wrong at once gives one line for each, naming it, in the
// order of DESIGN.md §4 (the NAME_FILE problems come first).
func TestLoadEveryProblemAtOnce(t *testing.T) {
	environ := map[string]string{
		"REDIS_URL":                    "http://worker:" + redisPassword + "@redis.internal:6379",
		"STATE_PREFIX":                 "ship sync!",
		"SHIPSTATION_API_SECRET":       "  ",
		"SHIPSTATION_BASE_URL":         "ssapi.shipstation.com",
		"SHIPSTATION_PARTNER_KEY_FILE": "/nonexistent/shipsync/partner",
		"SHIPSTATION_RATE_LIMIT":       "0",
		"QUIPT_BASE_URL":               "ftp://api.getquipt.com",
		"QUIPT_CONCURRENCY":            "0",
		"QUIPT_TOKEN":                  "quipt-token",
		"QUIPT_TOKEN_FILE":             "/nonexistent/shipsync/token",
		"GET_ORDERS_SCHEDULE":          "every 5 minutes",
		"GET_ORDERS_STATUS":            "open",
		"GET_ORDERS_TAG_ID":            "-3",
		"GET_ORDERS_DAYS":              "abc",
		"ASSIGN_USER_ID":               "bob",
		"PUSH_ORDERS_SCHEDULE":         "*/5 * * *",
		"PUSH_PENDING_ORDERS":          "yes",
		"SINGLE_STORE_ID":              "store1",
		"CHANNEL_STORES":               "Web=abc",
		"WAREHOUSES":                   "MAIN",
		"SHIPPING_MAPPINGS":            "Ground=ontrac:ground",
		"PREFERRED_CARRIER":            "ontrac",
		"DEFAULT_CARRIER_ENABLED":      "maybe",
		"USPS_ENABLED":                 "nope",
		"SYNC_TRACKING_SCHEDULE":       "61 * * * *",
		"NOTIFY_CUSTOMER":              "2",
		"NOTIFY_SALES_CHANNEL":         "on",
		"SYNC_CANCELS_SCHEDULE":        "@fortnightly",
		"CANCEL_MODE":                  "delete",
		"LINK_LISTINGS_SCHEDULE":       "0 3 * * * *",
		"RECONCILE_DAYS":               "0",
		"RECONCILE_BUDGET_SHARE":       "half",
		"DRY_RUN":                      "dry",
		"HTTP_ADDR":                    "8080",
		"LOG_LEVEL":                    "verbose",
		"LOG_FORMAT":                   "text",
		"SHUTDOWN_GRACE":               "25",
		"LEASE_TTL":                    "forever",
	}
	want := []string{
		`SHIPSTATION_PARTNER_KEY_FILE: cannot read file: open /nonexistent/shipsync/partner: no such file or directory`,
		`QUIPT_TOKEN: set either QUIPT_TOKEN or QUIPT_TOKEN_FILE, not both`,
		`REDIS_URL: must start with redis:// or rediss:// (value not shown)`,
		`STATE_PREFIX: must be letters, digits, "_", "." or "-", got "ship sync!"`,
		`SHIPSTATION_API_KEY: required (set SHIPSTATION_API_KEY or SHIPSTATION_API_KEY_FILE)`,
		`SHIPSTATION_API_SECRET: required (set SHIPSTATION_API_SECRET or SHIPSTATION_API_SECRET_FILE)`,
		`SHIPSTATION_BASE_URL: must be an absolute http or https URL, got "ssapi.shipstation.com"`,
		`SHIPSTATION_RATE_LIMIT: must be a whole number from 1 to 1000, got "0"`,
		`QUIPT_BASE_URL: must be an absolute http or https URL, got "ftp://api.getquipt.com"`,
		`QUIPT_CONSUMER_KEY: required (set QUIPT_CONSUMER_KEY or QUIPT_CONSUMER_KEY_FILE)`,
		`QUIPT_CONSUMER_SECRET: required (set QUIPT_CONSUMER_SECRET or QUIPT_CONSUMER_SECRET_FILE)`,
		`QUIPT_TOKEN_SECRET: required (set QUIPT_TOKEN_SECRET or QUIPT_TOKEN_SECRET_FILE)`,
		`QUIPT_CONCURRENCY: must be a whole number from 1 to 64, got "0"`,
		`GET_ORDERS_SCHEDULE: must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got "every 5 minutes" (expected exactly 5 fields, found 3: [every 5 minutes])`,
		`GET_ORDERS_STATUS: must be one of awaiting_payment, awaiting_shipment, pending_fulfillment, shipped, on_hold, cancelled, rejected_fulfillment, got "open"`,
		`GET_ORDERS_TAG_ID: must be a positive whole number, got "-3"`,
		`GET_ORDERS_DAYS: must be a whole number from 1 to 365, got "abc"`,
		`ASSIGN_USER_ID: must be a user GUID such as 123e4567-e89b-12d3-a456-426614174000, got "bob"`,
		`PUSH_ORDERS_SCHEDULE: must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got "*/5 * * *" (expected exactly 5 fields, found 4: [*/5 * * *])`,
		`PUSH_PENDING_ORDERS: must be true or false, got "yes"`,
		`SINGLE_STORE_ID: must be a positive whole number, got "store1"`,
		`CHANNEL_STORES: entry 1 ("Web"): storeId must be a positive whole number, got "abc"`,
		`WAREHOUSES: entry 1: want name=warehouseId, got "MAIN"`,
		`SHIPPING_MAPPINGS: entry 1 ("Ground"): unknown carrier "ontrac" (want ups, fedex, usps or dhl)`,
		`PREFERRED_CARRIER: must be one of ups, fedex, usps, dhl, got "ontrac"`,
		`DEFAULT_SERVICE: required when PREFERRED_CARRIER is set`,
		`DEFAULT_CARRIER_ENABLED: must be true or false, got "maybe"`,
		`USPS_ENABLED: must be true or false, got "nope"`,
		`SYNC_TRACKING_SCHEDULE: must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got "61 * * * *" (end of range (61) above maximum (59): 61)`,
		`NOTIFY_CUSTOMER: must be true or false, got "2"`,
		`NOTIFY_SALES_CHANNEL: must be true or false, got "on"`,
		`SYNC_CANCELS_SCHEDULE: must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got "@fortnightly" (unrecognized descriptor: @fortnightly)`,
		`CANCEL_MODE: must be one of soft, hard, got "delete"`,
		`LINK_LISTINGS_SCHEDULE: must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got "0 3 * * * *" (expected exactly 5 fields, found 6: [0 3 * * * *])`,
		`RECONCILE_DAYS: must be a whole number from 1 to 365, got "0"`,
		`RECONCILE_BUDGET_SHARE: must be a number from 0.01 to 1, got "half"`,
		`DRY_RUN: must be true or false, got "dry"`,
		`HTTP_ADDR: must be host:port with a numeric port, such as :8080, got "8080"`,
		`LOG_LEVEL: must be one of trace, debug, info, warn, error, got "verbose"`,
		`LOG_FORMAT: must be one of json, console, got "text"`,
		`SHUTDOWN_GRACE: must be a positive duration such as 25s or 1m30s, got "25"`,
		`LEASE_TTL: must be a positive duration such as 25s or 1m30s, got "forever"`,
	}
	got := problemLines(t, environ)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Every variable the test set (or left out though required) is named by
	// exactly one line.
	named := map[string]int{}
	for _, line := range got {
		name, _, _ := strings.Cut(line, ":")
		named[name]++
	}
	for name := range environ {
		if strings.HasSuffix(name, "_FILE") {
			continue
		}
		if named[name]+named[name+"_FILE"] != 1 {
			t.Errorf("%s is named by %d lines, want 1", name, named[name]+named[name+"_FILE"])
		}
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []problemCase{
		{"redis not a URL", map[string]string{"REDIS_URL": "redis://:" + redisPassword + "@host:port"},
			[]string{"REDIS_URL: is not a valid URL (value not shown)"}},
		{"redis without scheme", map[string]string{"REDIS_URL": "worker:" + redisPassword + "@redis.internal"},
			[]string{"REDIS_URL: must start with redis:// or rediss:// (value not shown)"}},
		{"redis with an option the client refuses", map[string]string{"REDIS_URL": "redis://:" + redisPassword + "@host:6379/0?frobnicate=1"},
			[]string{"REDIS_URL: is not a URL the Redis client accepts (value not shown)"}},
		{"redis without host", map[string]string{"REDIS_URL": "redis:///0"},
			[]string{"REDIS_URL: has no host (value not shown)"}},
		{"redis bad database", map[string]string{"REDIS_URL": "redis://:" + redisPassword + "@h:6379/main"},
			[]string{"REDIS_URL: path must be a database number, as in redis://host:6379/0 (value not shown)"}},
		{"base URL with credentials", map[string]string{"SHIPSTATION_BASE_URL": "https://u:" + ssKey + "@ssapi.shipstation.com"},
			[]string{"SHIPSTATION_BASE_URL: must not contain credentials (value not shown)"}},
		{"base URL with credentials it cannot parse", map[string]string{"SHIPSTATION_BASE_URL": "https://u:" + ssSecret + "@ssapi.shipstation.com"},
			[]string{"SHIPSTATION_BASE_URL: must be an absolute http or https URL, value not shown"}},
		{"base URL with query", map[string]string{"QUIPT_BASE_URL": "https://api.getquipt.com/?x=1"},
			[]string{`QUIPT_BASE_URL: must not have a query or fragment, got "https://api.getquipt.com/?x=1"`}},
		{"base URL relative", map[string]string{"QUIPT_BASE_URL": "/v2"},
			[]string{`QUIPT_BASE_URL: must be an absolute http or https URL, got "/v2"`}},
		{"base URL unparsable", map[string]string{"QUIPT_BASE_URL": "http://[::1"},
			[]string{`QUIPT_BASE_URL: must be an absolute http or https URL, got "http://[::1"`}},
		{"rate limit too high", map[string]string{"SHIPSTATION_RATE_LIMIT": "1001"},
			[]string{`SHIPSTATION_RATE_LIMIT: must be a whole number from 1 to 1000, got "1001"`}},
		{"days zero", map[string]string{"GET_ORDERS_DAYS": "0"},
			[]string{`GET_ORDERS_DAYS: must be a whole number from 1 to 365, got "0"`}},
		{"days too many", map[string]string{"GET_ORDERS_DAYS": "366"},
			[]string{`GET_ORDERS_DAYS: must be a whole number from 1 to 365, got "366"`}},
		{"days fractional", map[string]string{"GET_ORDERS_DAYS": "7.5"},
			[]string{`GET_ORDERS_DAYS: must be a whole number from 1 to 365, got "7.5"`}},
		{"tag zero", map[string]string{"GET_ORDERS_TAG_ID": "0"},
			[]string{`GET_ORDERS_TAG_ID: must be a positive whole number, got "0"`}},
		{"store id overflows", map[string]string{"SINGLE_STORE_ID": "9223372036854775808"},
			[]string{`SINGLE_STORE_ID: must be a positive whole number, got "9223372036854775808"`}},
		{"GUID one digit short", map[string]string{"ASSIGN_USER_ID": "f4c1a4e1-3b8e-4c2d-9a55-2f0e6d1c7b9"},
			[]string{`ASSIGN_USER_ID: must be a user GUID such as 123e4567-e89b-12d3-a456-426614174000, got "f4c1a4e1-3b8e-4c2d-9a55-2f0e6d1c7b9"`}},
		{"GUID not hex", map[string]string{"ASSIGN_USER_ID": "g4c1a4e1-3b8e-4c2d-9a55-2f0e6d1c7b90"},
			[]string{`ASSIGN_USER_ID: must be a user GUID such as 123e4567-e89b-12d3-a456-426614174000, got "g4c1a4e1-3b8e-4c2d-9a55-2f0e6d1c7b90"`}},
		{"GUID without dashes", map[string]string{"ASSIGN_USER_ID": "f4c1a4e1x3b8ex4c2dx9a55x2f0e6d1c7b90"},
			[]string{`ASSIGN_USER_ID: must be a user GUID such as 123e4567-e89b-12d3-a456-426614174000, got "f4c1a4e1x3b8ex4c2dx9a55x2f0e6d1c7b90"`}},
		{"channel stores, several problems", map[string]string{"CHANNEL_STORES": "Web=1,=2,Web=3,Shop=0"},
			[]string{
				`CHANNEL_STORES: entry 2: name before "=" is empty`,
				`CHANNEL_STORES: entry 3 ("Web"): named twice`,
				`CHANNEL_STORES: entry 4 ("Shop"): storeId must be a positive whole number, got "0"`,
			}},
		{"state prefix with colon", map[string]string{"STATE_PREFIX": "ship:sync"},
			[]string{`STATE_PREFIX: must be letters, digits, "_", "." or "-", got "ship:sync"`}},
		{"http addr named port", map[string]string{"HTTP_ADDR": "localhost:http"},
			[]string{`HTTP_ADDR: must be host:port with a numeric port, such as :8080, got "localhost:http"`}},
		{"http addr port too big", map[string]string{"HTTP_ADDR": ":65536"},
			[]string{`HTTP_ADDR: must be host:port with a numeric port, such as :8080, got ":65536"`}},
		{"grace negative", map[string]string{"SHUTDOWN_GRACE": "-1s"},
			[]string{`SHUTDOWN_GRACE: must be a positive duration such as 25s or 1m30s, got "-1s"`}},
		{"default service without carrier", map[string]string{"DEFAULT_SERVICE": "ups_ground"},
			[]string{`DEFAULT_SERVICE: set, but PREFERRED_CARRIER is not (set both or neither)`}},
		{"usps default with usps disabled", map[string]string{"PREFERRED_CARRIER": "usps", "DEFAULT_SERVICE": "usps_priority_mail", "USPS_ENABLED": "false"},
			[]string{`PREFERRED_CARRIER: is usps, but USPS_ENABLED=false: the default carrier could never be used`}},
		{"mappings, every entry's problem", map[string]string{"SHIPPING_MAPPINGS": "A=ups;B=fedex:fedex_ground:box:maybe"},
			[]string{
				`SHIPPING_MAPPINGS: entry 1: "A": want carrier:service[:package[:confirmation]] after "=", got 1 field(s)`,
				`SHIPPING_MAPPINGS: entry 2 ("B"): unknown confirmation "maybe" (want none, delivery, signature, adult_signature or direct_signature)`,
			}},
		{"secret and identifier required", map[string]string{"QUIPT_TOKEN": "", "QUIPT_TOKEN_SECRET": "", "REDIS_URL": " "},
			[]string{
				"REDIS_URL: required (set REDIS_URL or REDIS_URL_FILE)",
				"QUIPT_TOKEN: required (set QUIPT_TOKEN or QUIPT_TOKEN_FILE)",
				"QUIPT_TOKEN_SECRET: required (set QUIPT_TOKEN_SECRET or QUIPT_TOKEN_SECRET_FILE)",
			}},
	}
	runProblemCases(t, tests)
}

// Accepted spellings of the typed variables, and the value each gives.
func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(*Config) any
		want  any
	}{
		{"redis with db and options", map[string]string{"REDIS_URL": "redis://:pw@127.0.0.1:6379/15?dial_timeout=3s"},
			func(c *Config) any { return c.RedisURL.Reveal() }, "redis://:pw@127.0.0.1:6379/15?dial_timeout=3s"},
		{"redis without db", map[string]string{"REDIS_URL": "redis://localhost/"},
			func(c *Config) any { return c.RedisURL.Reveal() }, "redis://localhost/"},
		{"schedule off any case", map[string]string{"GET_ORDERS_SCHEDULE": " Off "},
			func(c *Config) any { return c.GetOrdersSchedule }, Schedule{Off: true}},
		{"schedule descriptor", map[string]string{"SYNC_CANCELS_SCHEDULE": "@daily"},
			func(c *Config) any { return c.SyncCancelsSchedule }, Schedule{Spec: "@daily"}},
		{"schedule every", map[string]string{"LINK_LISTINGS_SCHEDULE": "@every 90s"},
			func(c *Config) any { return c.LinkListingsSchedule }, Schedule{Spec: "@every 90s"}},
		{"schedule with time zone", map[string]string{"SYNC_TRACKING_SCHEDULE": "CRON_TZ=America/Los_Angeles 0 6 * * *"},
			func(c *Config) any { return c.SyncTrackingSchedule }, Schedule{Spec: "CRON_TZ=America/Los_Angeles 0 6 * * *"}},
		{"carrier alias", map[string]string{"PREFERRED_CARRIER": "Stamps.com", "DEFAULT_SERVICE": "usps_priority_mail"},
			func(c *Config) any { return c.PreferredCarrier }, mapping.USPS},
		{"usps default allowed when the default carrier is off", map[string]string{"PREFERRED_CARRIER": "usps", "DEFAULT_SERVICE": "usps_priority_mail", "USPS_ENABLED": "false", "DEFAULT_CARRIER_ENABLED": "false"},
			func(c *Config) any { return c.PreferredCarrier }, mapping.USPS},
		{"log level trace", map[string]string{"LOG_LEVEL": "TRACE"},
			func(c *Config) any { return c.LogLevel }, zerolog.TraceLevel},
		{"log level warn", map[string]string{"LOG_LEVEL": "warn"},
			func(c *Config) any { return c.LogLevel }, zerolog.WarnLevel},
		{"log level error", map[string]string{"LOG_LEVEL": "error"},
			func(c *Config) any { return c.LogLevel }, zerolog.ErrorLevel},
		{"http addr IPv6", map[string]string{"HTTP_ADDR": "[::1]:0"},
			func(c *Config) any { return c.HTTPAddr }, "[::1]:0"},
		{"days one", map[string]string{"GET_ORDERS_DAYS": " 1 "},
			func(c *Config) any { return c.GetOrdersDays }, 1},
		{"rate limit one", map[string]string{"SHIPSTATION_RATE_LIMIT": "1"},
			func(c *Config) any { return c.ShipStationRateLimit }, 1},
		{"secret kept verbatim", map[string]string{"QUIPT_TOKEN_SECRET": " spaced secret "},
			func(c *Config) any { return c.QuiptTokenSecret.Reveal() }, " spaced secret "},
		{"identifier trimmed", map[string]string{"QUIPT_CONSUMER_KEY": " ck-1 "},
			func(c *Config) any { return c.QuiptConsumerKey }, "ck-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(required(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.check(cfg)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnviron(t *testing.T) {
	t.Setenv("SHIPSYNC_CONFIG_TEST", "a=b=c")
	t.Setenv("SHIPSYNC_CONFIG_EMPTY", "")
	got := Environ()
	if v, ok := got["SHIPSYNC_CONFIG_TEST"]; !ok || v != "a=b=c" {
		t.Errorf("Environ()[SHIPSYNC_CONFIG_TEST] = %q, %v; want a=b=c", v, ok)
	}
	if v, ok := got["SHIPSYNC_CONFIG_EMPTY"]; !ok || v != "" {
		t.Errorf("Environ()[SHIPSYNC_CONFIG_EMPTY] = %q, %v; want empty and present", v, ok)
	}
}

// Load reads only the map it is given, never the process environment.
func TestLoadIgnoresProcessEnvironment(t *testing.T) {
	for name, value := range required(nil) {
		t.Setenv(name, value)
	}
	got := problemLines(t, nil)
	if len(got) != 7 {
		t.Errorf("Load(nil) gave %d problems, want the 7 required variables:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// WRITE_SETTLE must exceed the ShipStation client's timeout plus LEASE_TTL:
// a held request must have landed or died before it is checked.
func TestWriteSettleMustExceedTimeoutPlusLease(t *testing.T) {
	_, err := Load(required(map[string]string{"WRITE_SETTLE": "2m", "LEASE_TTL": "60s"}))
	want := "WRITE_SETTLE: is 2m0s, but must exceed the ShipStation client's timeout (1m0s) plus LEASE_TTL (1m0s): 2m0s"
	var verr *ValidationError
	if !errors.As(err, &verr) || !slices.Contains(verr.Problems, want) {
		t.Fatalf("Load: %v, want the problem %q", err, want)
	}
	if _, err := Load(required(map[string]string{"WRITE_SETTLE": "2m1s", "LEASE_TTL": "60s"})); err != nil {
		t.Errorf("Load with WRITE_SETTLE just above: %v", err)
	}
}

// WRITE_SETTLE may be at most MaxWriteSettle: sync-tracking decides a void
// whose ship may still land once it has passed, while the void window still
// lists the void.
func TestWriteSettleIsAtMostAnHour(t *testing.T) {
	_, err := Load(required(map[string]string{"WRITE_SETTLE": "61m"}))
	want := "WRITE_SETTLE: is 1h1m0s, but may be at most 1h0m0s: a label voided while its ship may still land is decided only within the cursors' overlap"
	var verr *ValidationError
	if !errors.As(err, &verr) || !slices.Contains(verr.Problems, want) {
		t.Fatalf("Load: %v, want the problem %q", err, want)
	}
	if _, err := Load(required(map[string]string{"WRITE_SETTLE": "1h"})); err != nil {
		t.Errorf("Load with WRITE_SETTLE at the most: %v", err)
	}
}
