package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/mapping"
)

func TestSelector(t *testing.T) {
	cfg, err := Load(required(map[string]string{
		"SHIPPING_MAPPINGS": "Ground=fedex:fedex_ground",
		"PREFERRED_CARRIER": "dhl",
		"DEFAULT_SERVICE":   "dhl_express_worldwide",
		"USPS_ENABLED":      "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := mapping.Selector{
		Mappings:       []mapping.Mapping{{Method: "Ground", Carrier: mapping.FedEx, Service: "fedex_ground"}},
		Preferred:      mapping.DHL,
		DefaultService: "dhl_express_worldwide",
		DefaultEnabled: true,
		USPSEnabled:    false,
	}
	if diff := cmp.Diff(want, cfg.Selector()); diff != "" {
		t.Errorf("Selector (-want +got):\n%s", diff)
	}
	sel, err := cfg.Selector().Select(mapping.Request{Carrier: mapping.USPS, Service: "usps_priority_mail"})
	if err != nil || sel.Carrier != mapping.DHL || sel.Source != mapping.SourceDefault {
		t.Errorf("Select of a USPS order with USPS disabled = %+v, %v; want the DHL default", sel, err)
	}
}

func TestSchedules(t *testing.T) {
	cfg, err := Load(required(map[string]string{"SYNC_CANCELS_SCHEDULE": "off", "GET_ORDERS_SCHEDULE": "*/5 * * * *"}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Schedule{
		"get-orders":    cfg.GetOrdersSchedule,
		"push-orders":   cfg.PushOrdersSchedule,
		"sync-tracking": cfg.SyncTrackingSchedule,
		"sync-cancels":  cfg.SyncCancelsSchedule,
		"link-listings": cfg.LinkListingsSchedule,
		"reconcile":     cfg.ReconcileSchedule,
	}
	want := map[string]Schedule{
		"get-orders":    {Spec: "*/5 * * * *"},
		"push-orders":   {Spec: "@every 1m"},
		"sync-tracking": {Spec: "@every 1m"},
		"sync-cancels":  {Off: true},
		"link-listings": {Spec: "0 3 * * *"},
		"reconcile":     {Spec: "30 3 * * *"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schedules (-want +got):\n%s", diff)
	}
	if got := cfg.SyncCancelsSchedule.String(); got != "off" {
		t.Errorf("String() of an off schedule = %q, want off", got)
	}
	if got := cfg.GetOrdersSchedule.String(); got != "*/5 * * * *" {
		t.Errorf("String() = %q, want */5 * * * *", got)
	}
}

func TestLogSummary(t *testing.T) {
	cfg, err := Load(required(map[string]string{
		"CHANNEL_STORES":    "Web Shop=12",
		"SHIPPING_MAPPINGS": "Ground=fedex:fedex_ground;Air=ups:ups_next_day_air",
		"LOG_LEVEL":         "warn",
	}))
	if err != nil {
		t.Fatal(err)
	}
	got := summaryOf(t, cfg)
	want := map[string]any{
		"redis_url":               "redis://redis.internal:6380/2",
		"state_prefix":            "shipsync",
		"shipstation_api_key":     "[redacted]",
		"shipstation_api_secret":  "[redacted]",
		"shipstation_base_url":    "https://ssapi.shipstation.com",
		"shipstation_partner_key": "",
		"shipstation_rate_limit":  40.0,
		"quipt_base_url":          "https://api.getquipt.com",
		"quipt_consumer_key":      "quipt-consumer-key",
		"quipt_consumer_secret":   "[redacted]",
		"quipt_token":             "quipt-token",
		"quipt_token_secret":      "[redacted]",
		"quipt_concurrency":       8.0,
		"get_orders_schedule":     "@every 1m",
		"get_orders_status":       "awaiting_shipment",
		"get_orders_tag_id":       0.0,
		"get_orders_days":         7.0,
		"get_orders_sweep":        "1h0m0s",
		"assign_user_id":          "",
		"push_orders_schedule":    "@every 1m",
		"push_pending_orders":     false,
		"single_store_id":         0.0,
		"channel_stores":          map[string]any{"Web Shop": 12.0},
		"warehouses":              nil,
		"shipping_mappings":       2.0,
		"preferred_carrier":       "",
		"default_service":         "",
		"default_carrier_enabled": true,
		"usps_enabled":            true,
		"sync_tracking_schedule":  "@every 1m",
		"notify_customer":         false,
		"notify_sales_channel":    true,
		"sync_cancels_schedule":   "@every 1m",
		"cancel_mode":             "soft",
		"link_listings_schedule":  "0 3 * * *",
		"reconcile_schedule":      "30 3 * * *",
		"reconcile_days":          30.0,
		"reconcile_budget_share":  0.5,
		"dry_run":                 false,
		"http_addr":               ":8080",
		"lease_ttl":               "1m0s",
		"write_settle":            "10m0s",
		"log_level":               "warn",
		"log_format":              "json",
		"shutdown_grace":          "25s",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestRedisLocation(t *testing.T) {
	tests := map[string]string{
		"":                                       "",
		"redis://localhost:6379":                 "redis://localhost:6379",
		"rediss://u:p%40ss@cache.example:6380/3": "rediss://cache.example:6380/3",
		"redis://:pw@h/1?client_name=x":          "redis://h/1",
		"redis://:pw@h:port":                     "[redacted]",
	}
	for in, want := range tests {
		if got := redisLocation(NewSecret(in)); got != want {
			t.Errorf("redisLocation(%q) = %q, want %q", in, got, want)
		}
	}
}
