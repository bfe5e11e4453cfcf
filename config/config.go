// Package config is shipsync's environment contract (DESIGN.md §4): it reads
// every variable, with its default, from a map of the environment, folds in
// the NAME_FILE form of the secrets, and validates everything at once, so the
// operator sees one plain line per problem, each naming its variable.
package config

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// Config is the validated configuration. Optional IDs are 0 when unset; the
// secrets are Secrets, so printing or encoding a Config never shows them.
type Config struct {
	// RedisURL is a redis:// or rediss:// URL; a Secret because it may carry
	// a password.
	RedisURL Secret
	// StatePrefix prefixes every Redis key (letters, digits, "_", "." and "-").
	StatePrefix string

	ShipStationAPIKey    Secret
	ShipStationAPISecret Secret
	// ShipStationBaseURL is an absolute http(s) URL without a trailing "/".
	ShipStationBaseURL string
	// ShipStationPartnerKey is sent as x-partner; zero when unset.
	ShipStationPartnerKey Secret
	// ShipStationRateLimit is the requests per minute this worker may use, 1..1000.
	ShipStationRateLimit int

	// QuiptBaseURL is an absolute http(s) URL without a trailing "/".
	QuiptBaseURL        string
	QuiptConsumerKey    string
	QuiptConsumerSecret Secret
	QuiptToken          string
	QuiptTokenSecret    Secret

	GetOrdersSchedule Schedule
	// GetOrdersStatus is a ShipStation order status, lower case.
	GetOrdersStatus string
	// GetOrdersTagID limits get-orders to orders with this tag; 0 = no tag.
	GetOrdersTagID int64
	// GetOrdersDays is the look-back window in days, 1..365.
	GetOrdersDays int
	// AssignUserID is the ShipStation user GUID to assign; "" = none.
	AssignUserID string

	PushOrdersSchedule Schedule
	PushPendingOrders  bool
	// SingleStoreID routes every pushed order to this store; 0 = use ChannelStores.
	SingleStoreID int64
	// ChannelStores maps a Quipt channel name to a ShipStation storeId; nil when unset.
	ChannelStores map[string]int64
	// Warehouses maps a Quipt warehouse code to a ShipStation warehouseId; nil when unset.
	Warehouses map[string]int64

	// ShippingMappings come from SHIPPING_MAPPINGS or SHIPPING_MAPPINGS_FILE.
	ShippingMappings []mapping.Mapping
	// PreferredCarrier is the default carrier; "" = none.
	PreferredCarrier mapping.Carrier
	// DefaultService goes with PreferredCarrier (set whenever it is).
	DefaultService        string
	DefaultCarrierEnabled bool
	USPSEnabled           bool

	SyncTrackingSchedule Schedule
	NotifyCustomer       bool
	NotifySalesChannel   bool

	SyncCancelsSchedule Schedule
	CancelMode          CancelMode

	LinkListingsSchedule Schedule

	DryRun bool
	// HTTPAddr is the host:port of /metrics, /healthz and /readyz.
	HTTPAddr  string
	LogLevel  zerolog.Level
	LogFormat LogFormat

	// ShutdownGrace (SHUTDOWN_GRACE, default 25s) is shipsync's own addition
	// to DESIGN.md §4: how long SIGTERM waits for the runs in hand before
	// cancelling them. The default stays below Kubernetes' 30 s termination
	// grace period.
	ShutdownGrace time.Duration
	// LeaseTTL (LEASE_TTL, default 60s) is shipsync's own addition: how long a
	// job's lease outlives a replica that died holding it, i.e. how soon
	// another replica may take the job over. The holder renews it every third
	// of it.
	LeaseTTL time.Duration
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

// ValidationError lists every problem found in the environment, each starting
// with the name of the variable it is about.
type ValidationError struct {
	Problems []string
}

// Error returns the problems, one per line.
func (e *ValidationError) Error() string {
	return strings.Join(e.Problems, "\n")
}

// Load reads the configuration from environ (see Environ), applying the
// defaults of DESIGN.md §4. When anything is missing or malformed it returns
// a *ValidationError listing every problem; no line contains a secret's value.
// The files named by NAME_FILE variables and SHIPPING_MAPPINGS_FILE are read
// here.
func Load(environ map[string]string) (*Config, error) {
	var p problems
	merged := resolveFiles(environ, &p)
	raw, err := env.ParseAsWithOptions[environment](env.Options{Environment: merged})
	if err != nil {
		return nil, fmt.Errorf("reading the environment: %w", err)
	}
	cfg := raw.validate(&p)
	if len(p.lines) > 0 {
		return nil, &ValidationError{Problems: p.lines}
	}
	return cfg, nil
}

// Environ returns the process environment as a map for Load. It is the only
// place in shipsync that reads the process environment.
func Environ() map[string]string {
	m := make(map[string]string)
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" {
			m[k] = v
		}
	}
	return m
}

// problems collects problem lines and which variables they are about.
type problems struct {
	lines []string
	vars  map[string]bool
}

// add records a problem with variable name.
func (p *problems) add(name, format string, args ...any) {
	p.lines = append(p.lines, name+": "+fmt.Sprintf(format, args...))
	if p.vars == nil {
		p.vars = make(map[string]bool)
	}
	p.vars[name] = true
}

// has reports whether a problem with variable name has been recorded.
func (p *problems) has(name string) bool {
	return p.vars[name]
}
