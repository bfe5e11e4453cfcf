package config

import (
	"github.com/redis/go-redis/v9"
	"net/url"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// getOrdersStatuses are the ShipStation order statuses get-orders may list.
func getOrdersStatuses() []string {
	return []string{
		"awaiting_payment", "awaiting_shipment", "pending_fulfillment", "shipped",
		"on_hold", "cancelled", "rejected_fulfillment",
	}
}

// validate converts the environment's text into a Config, recording a problem
// for every missing, malformed or contradictory variable, in the order of
// DESIGN.md §4. The Config is only meaningful when no problem was recorded.
func (e environment) validate(p *problems) *Config {
	c := &Config{
		RedisURL:    parseRedisURL("REDIS_URL", e.RedisURL, p),
		StatePrefix: parseStatePrefix("STATE_PREFIX", e.StatePrefix, p),

		ShipStationAPIKey:     requiredSecret("SHIPSTATION_API_KEY", e.ShipStationAPIKey, p),
		ShipStationAPISecret:  requiredSecret("SHIPSTATION_API_SECRET", e.ShipStationAPISecret, p),
		ShipStationBaseURL:    parseBaseURL("SHIPSTATION_BASE_URL", e.ShipStationBaseURL, p),
		ShipStationPartnerKey: NewSecret(e.ShipStationPartnerKey),
		ShipStationRateLimit:  parseInt("SHIPSTATION_RATE_LIMIT", e.ShipStationRateLimit, 1, 1000, p),

		QuiptBaseURL:        parseBaseURL("QUIPT_BASE_URL", e.QuiptBaseURL, p),
		QuiptConsumerKey:    requiredText("QUIPT_CONSUMER_KEY", e.QuiptConsumerKey, p),
		QuiptConsumerSecret: requiredSecret("QUIPT_CONSUMER_SECRET", e.QuiptConsumerSecret, p),
		QuiptToken:          requiredText("QUIPT_TOKEN", e.QuiptToken, p),
		QuiptTokenSecret:    requiredSecret("QUIPT_TOKEN_SECRET", e.QuiptTokenSecret, p),

		GetOrdersSchedule: parseSchedule("GET_ORDERS_SCHEDULE", e.GetOrdersSchedule, p),
		GetOrdersStatus:   parseEnum("GET_ORDERS_STATUS", e.GetOrdersStatus, getOrdersStatuses(), p),
		GetOrdersTagID:    parseOptionalID("GET_ORDERS_TAG_ID", e.GetOrdersTagID, p),
		GetOrdersDays:     parseInt("GET_ORDERS_DAYS", e.GetOrdersDays, 1, 365, p),
		AssignUserID:      parseGUID("ASSIGN_USER_ID", e.AssignUserID, p),

		PushOrdersSchedule: parseSchedule("PUSH_ORDERS_SCHEDULE", e.PushOrdersSchedule, p),
		PushPendingOrders:  parseBool("PUSH_PENDING_ORDERS", e.PushPendingOrders, p),
		SingleStoreID:      parseOptionalID("SINGLE_STORE_ID", e.SingleStoreID, p),
		ChannelStores:      parseIDMap("CHANNEL_STORES", e.ChannelStores, "storeId", p),
		Warehouses:         parseIDMap("WAREHOUSES", e.Warehouses, "warehouseId", p),

		ShippingMappings:      e.shippingMappings(p),
		PreferredCarrier:      parsePreferredCarrier("PREFERRED_CARRIER", e.PreferredCarrier, p),
		DefaultService:        e.defaultService(p),
		DefaultCarrierEnabled: parseBool("DEFAULT_CARRIER_ENABLED", e.DefaultCarrierEnabled, p),
		USPSEnabled:           parseBool("USPS_ENABLED", e.USPSEnabled, p),

		SyncTrackingSchedule: parseSchedule("SYNC_TRACKING_SCHEDULE", e.SyncTrackingSchedule, p),
		NotifyCustomer:       parseBool("NOTIFY_CUSTOMER", e.NotifyCustomer, p),
		NotifySalesChannel:   parseBool("NOTIFY_SALES_CHANNEL", e.NotifySalesChannel, p),

		SyncCancelsSchedule: parseSchedule("SYNC_CANCELS_SCHEDULE", e.SyncCancelsSchedule, p),
		CancelMode:          CancelMode(parseEnum("CANCEL_MODE", e.CancelMode, []string{string(CancelSoft), string(CancelHard)}, p)),

		LinkListingsSchedule: parseSchedule("LINK_LISTINGS_SCHEDULE", e.LinkListingsSchedule, p),

		DryRun:        parseBool("DRY_RUN", e.DryRun, p),
		HTTPAddr:      parseHostPort("HTTP_ADDR", e.HTTPAddr, p),
		LogLevel:      parseLogLevel("LOG_LEVEL", e.LogLevel, p),
		LogFormat:     LogFormat(parseEnum("LOG_FORMAT", e.LogFormat, []string{string(LogJSON), string(LogConsole)}, p)),
		ShutdownGrace: parseDuration("SHUTDOWN_GRACE", e.ShutdownGrace, p),
		LeaseTTL:      parseDuration("LEASE_TTL", e.LeaseTTL, p),
	}
	if c.PreferredCarrier == mapping.USPS && c.DefaultCarrierEnabled && !c.USPSEnabled &&
		!p.has("DEFAULT_CARRIER_ENABLED") && !p.has("USPS_ENABLED") {
		p.add("PREFERRED_CARRIER", "is usps, but USPS_ENABLED=false: the default carrier could never be used")
	}
	return c
}

// requiredSecret reads a required secret. Its value is never part of a
// problem line. A problem already recorded for it (from NAME_FILE) is not
// repeated.
func requiredSecret(name, raw string, p *problems) Secret {
	if strings.TrimSpace(raw) == "" && !p.has(name) && !p.has(name+"_FILE") {
		p.add(name, "required (set %s or %s_FILE)", name, name)
	}
	return NewSecret(raw)
}

// requiredText reads a required identifier, trimmed.
func requiredText(name, raw string, p *problems) string {
	s := strings.TrimSpace(raw)
	if s == "" && !p.has(name) && !p.has(name+"_FILE") {
		p.add(name, "required (set %s or %s_FILE)", name, name)
	}
	return s
}

// parseRedisURL reads a redis:// or rediss:// URL with a host and an optional
// database number. The value may hold a password, so no problem line quotes it.
func parseRedisURL(name, raw string, p *problems) Secret {
	s := strings.TrimSpace(raw)
	if s == "" {
		return requiredSecret(name, s, p)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		p.add(name, "is not a valid URL (value not shown)")
	case u.Scheme != "redis" && u.Scheme != "rediss":
		p.add(name, "must start with redis:// or rediss:// (value not shown)")
	case u.Host == "":
		p.add(name, "has no host (value not shown)")
	case !isDatabasePath(u.Path):
		p.add(name, "path must be a database number, as in redis://host:6379/0 (value not shown)")
	default:
		// The client's own parser has the last word (it refuses unknown
		// options, for one); its message may quote the URL, so it is not shown.
		if _, err := redis.ParseURL(s); err != nil {
			p.add(name, "is not a URL the Redis client accepts (value not shown)")
			return Secret{}
		}
		return NewSecret(s)
	}
	return Secret{}
}

// isDatabasePath reports whether path is empty, "/" or "/<number>".
func isDatabasePath(path string) bool {
	db := strings.TrimPrefix(path, "/")
	if db == "" {
		return true
	}
	n, err := strconv.Atoi(db)
	return err == nil && n >= 0
}

// parsePreferredCarrier reads the optional default carrier.
func parsePreferredCarrier(name, raw string, p *problems) mapping.Carrier {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	c, ok := mapping.ParseCarrier(s)
	if !ok {
		p.add(name, "must be one of ups, fedex, usps, dhl, got %q", raw)
	}
	return c
}

// defaultService reads DEFAULT_SERVICE, which goes with PREFERRED_CARRIER:
// one without the other is a problem.
func (e environment) defaultService(p *problems) string {
	service := strings.TrimSpace(e.DefaultService)
	carrier := strings.TrimSpace(e.PreferredCarrier)
	switch {
	case carrier != "" && service == "":
		p.add("DEFAULT_SERVICE", "required when PREFERRED_CARRIER is set")
	case carrier == "" && service != "":
		p.add("DEFAULT_SERVICE", "set, but PREFERRED_CARRIER is not (set both or neither)")
	}
	return service
}

// shippingMappings reads SHIPPING_MAPPINGS or the JSON file named by
// SHIPPING_MAPPINGS_FILE (not both); each line of a parse error becomes a
// problem of the variable that was set.
func (e environment) shippingMappings(p *problems) []mapping.Mapping {
	inline, path := strings.TrimSpace(e.ShippingMappings), strings.TrimSpace(e.ShippingMappingsFile)
	switch {
	case inline != "" && path != "":
		p.add("SHIPPING_MAPPINGS", "set either SHIPPING_MAPPINGS or SHIPPING_MAPPINGS_FILE, not both")
		return nil
	case inline != "":
		ms, err := mapping.ParseMappings(inline)
		addLines(p, "SHIPPING_MAPPINGS", err)
		return ms
	case path != "":
		data, err := readFile(path, maxMappingsFileBytes)
		if err != nil {
			p.add("SHIPPING_MAPPINGS_FILE", "%v", err)
			return nil
		}
		ms, err := mapping.ParseMappingsJSON([]byte(data))
		addLines(p, "SHIPPING_MAPPINGS_FILE", err)
		return ms
	}
	return nil
}

// addLines records each line of err, if any, as a problem with variable name.
func addLines(p *problems, name string, err error) {
	if err == nil {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		p.add(name, "%s", line)
	}
}

// parseLogLevel reads trace, debug, info, warn or error.
func parseLogLevel(name, raw string, p *problems) zerolog.Level {
	switch parseEnum(name, raw, []string{"trace", "debug", "info", "warn", "error"}, p) {
	case "trace":
		return zerolog.TraceLevel
	case "debug":
		return zerolog.DebugLevel
	case "warn":
		return zerolog.WarnLevel
	case "error":
		return zerolog.ErrorLevel
	}
	return zerolog.InfoLevel
}
