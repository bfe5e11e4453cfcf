// Package demo builds the world `shipsync demo` runs the real daemon in: a
// ShipStation sandbox and a Quipt sandbox seeded with realistic data, and an
// embedded Redis. It also reads back, from the sandboxes' side, what the
// daemon moved.
package demo

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// Demo credentials; the sandboxes check them like the real services would.
const (
	ssKey          = "demo-shipstation-key"
	ssSecret       = "demo-shipstation-secret"
	consumerKey    = "demo-consumer-key"
	consumerSecret = "demo-consumer-secret"
	token          = "demo-token"
	tokenSecret    = "demo-token-secret"
)

// World is the demo's two sandboxes and its Redis.
type World struct {
	ShipStation *sst.Server
	Quipt       *quipttest.Server
	Redis       *miniredis.Miniredis
	staff       staff
}

// Start starts and seeds the sandboxes and Redis; now is the demo's clock.
func Start(now time.Time) (*World, error) {
	mr, err := miniredis.Run()
	if err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	w := &World{
		ShipStation: sst.New(sst.WithCredentials(ssKey, ssSecret), sst.WithDefaultAccount()),
		Quipt:       quipttest.New(quipttest.WithCredentials(consumerKey, consumerSecret, token, tokenSecret)),
		Redis:       mr,
		staff:       staff{handled: map[int64]string{}, shippedPO: map[string]string{}},
	}
	seedShipStation(w.ShipStation, now)
	seedQuipt(w.Quipt, w.ShipStation, now)
	return w, nil
}

// Close stops the sandboxes and Redis.
func (w *World) Close() {
	w.ShipStation.Close()
	w.Quipt.Close()
	w.Redis.Close()
}

// Environ returns the configuration the daemon runs the demo with: the
// sandboxes' addresses and credentials and the carrier settings the seeded
// orders exercise. (The demo runs every job every few seconds whatever the
// schedules say: daemon.Options.Schedule.)
func (w *World) Environ(logFormat, logLevel string) map[string]string {
	return map[string]string{
		"REDIS_URL":               "redis://" + w.Redis.Addr(),
		"STATE_PREFIX":            "shipsync-demo",
		"SHIPSTATION_BASE_URL":    w.ShipStation.URL(),
		"SHIPSTATION_API_KEY":     ssKey,
		"SHIPSTATION_API_SECRET":  ssSecret,
		"QUIPT_BASE_URL":          w.Quipt.URL(),
		"QUIPT_CONSUMER_KEY":      consumerKey,
		"QUIPT_CONSUMER_SECRET":   consumerSecret,
		"QUIPT_TOKEN":             token,
		"QUIPT_TOKEN_SECRET":      tokenSecret,
		"ASSIGN_USER_ID":          sst.DefaultUserID,
		"SHIPPING_MAPPINGS":       "Next Day Air=ups:ups_next_day_air;Ground=fedex:fedex_ground",
		"PREFERRED_CARRIER":       "usps",
		"DEFAULT_SERVICE":         "usps_priority_mail",
		"CHANNEL_STORES":          "Web Store=88231,Amazon=88232",
		"WAREHOUSES":              fmt.Sprintf("AUS1=%d,RNO1=%d", sst.AustinWarehouseID, sst.RenoWarehouseID),
		"HTTP_ADDR":               "127.0.0.1:0",
		"LOG_FORMAT":              logFormat,
		"LOG_LEVEL":               logLevel,
		"SHUTDOWN_GRACE":          "10s",
		"DEFAULT_CARRIER_ENABLED": "true",
	}
}
