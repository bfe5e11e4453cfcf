package config

import (
	"net/url"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// Selector returns the carrier selection of DESIGN.md §3 as configured.
func (c *Config) Selector() mapping.Selector {
	return mapping.Selector{
		Mappings:       c.ShippingMappings,
		Preferred:      c.PreferredCarrier,
		DefaultService: c.DefaultService,
		DefaultEnabled: c.DefaultCarrierEnabled,
		USPSEnabled:    c.USPSEnabled,
	}
}

// MarshalZerologObject writes the effective settings for the startup log line,
// as in log.Info().Object("config", cfg). Secrets show as "[redacted]" when
// set and "" when not; REDIS_URL shows only its scheme, host and database.
func (c *Config) MarshalZerologObject(e *zerolog.Event) {
	e.Str("redis_url", redisLocation(c.RedisURL)).
		Str("state_prefix", c.StatePrefix).
		Str("shipstation_api_key", shown(c.ShipStationAPIKey)).
		Str("shipstation_api_secret", shown(c.ShipStationAPISecret)).
		Str("shipstation_base_url", c.ShipStationBaseURL).
		Str("shipstation_partner_key", shown(c.ShipStationPartnerKey)).
		Int("shipstation_rate_limit", c.ShipStationRateLimit).
		Str("quipt_base_url", c.QuiptBaseURL).
		Str("quipt_consumer_key", c.QuiptConsumerKey).
		Str("quipt_consumer_secret", shown(c.QuiptConsumerSecret)).
		Str("quipt_token", c.QuiptToken).
		Str("quipt_token_secret", shown(c.QuiptTokenSecret)).
		Stringer("get_orders_schedule", c.GetOrdersSchedule).
		Str("get_orders_status", c.GetOrdersStatus).
		Int64("get_orders_tag_id", c.GetOrdersTagID).
		Int("get_orders_days", c.GetOrdersDays).
		Str("assign_user_id", c.AssignUserID).
		Stringer("push_orders_schedule", c.PushOrdersSchedule).
		Bool("push_pending_orders", c.PushPendingOrders).
		Int64("single_store_id", c.SingleStoreID).
		Interface("channel_stores", c.ChannelStores).
		Interface("warehouses", c.Warehouses).
		Int("shipping_mappings", len(c.ShippingMappings)).
		Str("preferred_carrier", string(c.PreferredCarrier)).
		Str("default_service", c.DefaultService).
		Bool("default_carrier_enabled", c.DefaultCarrierEnabled).
		Bool("usps_enabled", c.USPSEnabled).
		Stringer("sync_tracking_schedule", c.SyncTrackingSchedule).
		Bool("notify_customer", c.NotifyCustomer).
		Bool("notify_sales_channel", c.NotifySalesChannel).
		Stringer("sync_cancels_schedule", c.SyncCancelsSchedule).
		Str("cancel_mode", string(c.CancelMode)).
		Stringer("link_listings_schedule", c.LinkListingsSchedule).
		Bool("dry_run", c.DryRun).
		Str("http_addr", c.HTTPAddr).
		Str("log_level", c.LogLevel.String()).
		Str("log_format", string(c.LogFormat)).
		Str("shutdown_grace", c.ShutdownGrace.String()).
		Str("lease_ttl", c.LeaseTTL.String())
}

// shown is "[redacted]" for a set secret and "" for an unset one.
func shown(s Secret) string {
	if s.IsZero() {
		return ""
	}
	return redacted
}

// redisLocation returns scheme://host/db of a Redis URL, leaving out the user
// name, password and query, or "[redacted]" if it cannot be parsed.
func redisLocation(s Secret) string {
	if s.IsZero() {
		return ""
	}
	u, err := url.Parse(s.Reveal())
	if err != nil {
		return redacted
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
