package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/mapping"
)

// read sets field, the Config field that declares v, from v's text in
// environ, recording every problem with it. The field's type chooses the
// reader; v's check tag narrows it:
//
//	Secret            as is; check "redis url": a URL the Redis client accepts
//	string            trimmed; check "url" (absolute http(s) base URL), "guid",
//	                  "host:port", "key prefix" (a Redis key prefix),
//	                  "one of a b c" (lower-cased), or "with OTHER" (set
//	                  exactly when the variable OTHER is)
//	int               check "lo..hi": a whole number in that range
//	int64             an optional positive ID
//	float64           check "lo..hi": a decimal number in that range
//	map[string]int64  check "name=what": "Name=id,Name=id"
//	other string type check "one of a b c"
//
// and bool, time.Duration (positive), Schedule, zerolog.Level,
// mapping.Carrier and []mapping.Mapping (with NAME_FILE, a JSON file) need no
// check. A type or check not listed here panics: a programming error that
// every Load finds.
func (v Variable) read(field reflect.Value, environ map[string]string, p *problems) {
	raw := v.lookup(environ)
	if v.missing(raw, p) {
		return
	}
	var value any
	switch field.Interface().(type) {
	case Secret:
		value = v.readSecret(raw, p)
	case string:
		value = v.readString(raw, environ, p)
	case int:
		value = v.readInt(raw, p)
	case int64:
		value = parseOptionalID(v.Name, raw, p)
	case float64:
		value = v.readFloat(raw, p)
	case bool:
		value = parseBool(v.Name, raw, p)
	case time.Duration:
		value = parseDuration(v.Name, raw, p)
	case Schedule:
		value = parseSchedule(v.Name, raw, p)
	case zerolog.Level:
		value = parseLogLevel(v.Name, raw, p)
	case map[string]int64:
		value = v.readIDMap(raw, p)
	case []mapping.Mapping:
		value = shippingMappings(v.Name, raw, environ[v.Name+"_FILE"], p)
	case mapping.Carrier:
		value = parsePreferredCarrier(v.Name, raw, p)
	default:
		value = v.readEnumType(field, raw, p)
	}
	field.Set(reflect.ValueOf(value))
}

// readEnumType reads a field of another string type by v's check "one of a
// b c"; any other type has no reader.
func (v Variable) readEnumType(field reflect.Value, raw string, p *problems) any {
	if field.Kind() != reflect.String {
		panic(fmt.Sprintf("config: %s: no reader for %s", v.Name, field.Type()))
	}
	return reflect.ValueOf(parseEnum(v.Name, raw, v.oneOf(), p)).Convert(field.Type()).Interface()
}

// missing reports whether v is required but blank, recording the problem
// unless its NAME_FILE already had one.
func (v Variable) missing(raw string, p *problems) bool {
	if !v.Required || strings.TrimSpace(raw) != "" {
		return false
	}
	if !p.has(v.Name) && !p.has(v.Name+"_FILE") {
		p.add(v.Name, "required (set %s or %s_FILE)", v.Name, v.Name)
	}
	return true
}

// readInt reads a whole number in the range of v's check "lo..hi".
func (v Variable) readInt(raw string, p *problems) int {
	var lo, hi int
	v.mustScan("%d..%d", &lo, &hi)
	return parseInt(v.Name, raw, lo, hi, p)
}

// readFloat reads a decimal number in the range of v's check "lo..hi".
func (v Variable) readFloat(raw string, p *problems) float64 {
	var lo, hi float64
	v.mustScan("%g..%g", &lo, &hi)
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || f < lo || f > hi {
		p.add(v.Name, "must be a number from %g to %g, got %q", lo, hi, raw)
		return 0
	}
	return f
}

// readIDMap reads "Name=id,..." pairs; v's check "name=what" says what the
// ids are.
func (v Variable) readIDMap(raw string, p *problems) map[string]int64 {
	var what string
	v.mustScan("name=%s", &what)
	return parseIDMap(v.Name, raw, what, p)
}

// readSecret reads a Secret. Its value is never part of a problem line.
func (v Variable) readSecret(raw string, p *problems) Secret {
	switch v.check {
	case "":
		return NewSecret(raw)
	case "redis url":
		return parseRedisURL(v.Name, raw, p)
	}
	panic(v.badCheck())
}

// readString reads a string field by v's check.
func (v Variable) readString(raw string, environ map[string]string, p *problems) string {
	other, pair := strings.CutPrefix(v.check, "with ")
	switch {
	case pair:
		return parsePaired(v.Name, raw, other, environ[other], p)
	case strings.HasPrefix(v.check, "one of "):
		return parseEnum(v.Name, raw, v.oneOf(), p)
	}
	switch v.check {
	case "":
		return strings.TrimSpace(raw)
	case "url":
		return parseBaseURL(v.Name, raw, p)
	case "guid":
		return parseGUID(v.Name, raw, p)
	case "host:port":
		return parseHostPort(v.Name, raw, p)
	case "key prefix":
		return parseStatePrefix(v.Name, raw, p)
	}
	panic(v.badCheck())
}

// oneOf returns the values a "one of a b c" check allows.
func (v Variable) oneOf() []string {
	words, ok := strings.CutPrefix(v.check, "one of ")
	if !ok {
		panic(v.badCheck())
	}
	return strings.Fields(words)
}

// mustScan reads v's check in format into args.
func (v Variable) mustScan(format string, args ...any) {
	if _, err := fmt.Sscanf(v.check, format, args...); err != nil {
		panic(v.badCheck())
	}
}

// badCheck describes a check tag that does not fit its field.
func (v Variable) badCheck() string {
	return fmt.Sprintf("config: %s: check %q does not fit its field", v.Name, v.check)
}
