package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/mapping"
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
	vars := Variables()
	merged := resolveFiles(environ, vars, &p)
	c := &Config{}
	fields := reflect.ValueOf(c).Elem()
	for _, v := range vars {
		v.read(fields.Field(v.field), merged, &p)
	}
	c.crossCheck(&p)
	if len(p.lines) > 0 {
		return nil, &ValidationError{Problems: p.lines}
	}
	return c, nil
}

// crossCheck records the problems of variables that are each valid but
// contradict one another. (A pair that must be set together is a check of
// its own: the check "with OTHER" of Variable.read.)
func (c *Config) crossCheck(p *problems) {
	if c.PreferredCarrier == mapping.USPS && c.DefaultCarrierEnabled && !c.USPSEnabled &&
		!p.has("DEFAULT_CARRIER_ENABLED") && !p.has("USPS_ENABLED") {
		p.add("PREFERRED_CARRIER", "is usps, but USPS_ENABLED=false: the default carrier could never be used")
	}
	if least := shipstation.DefaultTimeout + c.LeaseTTL; c.WriteSettle <= least && !p.has("WRITE_SETTLE") && !p.has("LEASE_TTL") {
		p.add("WRITE_SETTLE", "is %s, but must exceed the ShipStation client's timeout (%s) plus LEASE_TTL (%s): %s",
			c.WriteSettle, shipstation.DefaultTimeout, c.LeaseTTL, least)
	}
	if c.WriteSettle > MaxWriteSettle && !p.has("WRITE_SETTLE") {
		p.add("WRITE_SETTLE", "is %s, but may be at most %s: a label voided while its ship may still land is decided only within the cursors' overlap", c.WriteSettle, MaxWriteSettle)
	}
}

// MaxWriteSettle is the longest WRITE_SETTLE: sync-tracking decides a label
// voided in ShipStation and absent from Quipt once WRITE_SETTLE has passed
// since the void, and its void window lists the void again only within the
// cursors' overlap (jobs.CursorOverlap, 65 minutes); a longer settle would
// leave such a void undecided for good.
const MaxWriteSettle = time.Hour

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
