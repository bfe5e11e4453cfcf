package config

import (
	"fmt"
	"reflect"
	"strings"

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
// as in log.Info().Object("config", cfg): every variable, under its name in
// lower case. Secrets show as "[redacted]" when set and "" when not;
// REDIS_URL shows only its scheme, host and database; the shipping mappings
// show as their number.
func (c *Config) MarshalZerologObject(e *zerolog.Event) {
	fields := reflect.ValueOf(c).Elem()
	for _, v := range Variables() {
		v.show(e, fields.Field(v.field))
	}
}

// show writes field, the Config field that declares v, to e.
func (v Variable) show(e *zerolog.Event, field reflect.Value) {
	key := strings.ToLower(v.Name)
	switch x := field.Interface().(type) {
	case Secret:
		if v.check == "redis url" {
			e.Str(key, redisLocation(x))
			return
		}
		e.Str(key, shown(x))
		return
	case []mapping.Mapping:
		e.Int(key, len(x))
		return
	case fmt.Stringer: // Schedule, zerolog.Level, time.Duration
		e.Stringer(key, x)
		return
	}
	switch field.Kind() {
	case reflect.String:
		e.Str(key, field.String())
	case reflect.Bool:
		e.Bool(key, field.Bool())
	case reflect.Int, reflect.Int64:
		e.Int64(key, field.Int())
	default:
		e.Interface(key, field.Interface())
	}
}

// shown is "[redacted]" for a set secret and "" for an unset one.
func shown(s Secret) string {
	if s.IsZero() {
		return ""
	}
	return redacted
}
