package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// The parsers below read one variable's text each. On a malformed value they
// record one problem naming the variable (and quoting the value: none of
// these variables is secret) and return the zero value.

// parseInt reads a whole number in [lo, hi].
func parseInt(name, raw string, lo, hi int, p *problems) int {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < lo || n > hi {
		p.add(name, "must be a whole number from %d to %d, got %q", lo, hi, raw)
		return 0
	}
	return n
}

// parseOptionalID reads an optional positive int64 ID; "" gives 0.
func parseOptionalID(name, raw string, p *problems) int64 {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0
	}
	id, ok := positiveID(s)
	if !ok {
		p.add(name, "must be a positive whole number, got %q", raw)
	}
	return id
}

// positiveID parses s as an int64 greater than zero.
func positiveID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// parseBool reads true or false (also 1/0, t/f in any case, as strconv).
func parseBool(name, raw string, p *problems) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(raw))
	if err != nil {
		p.add(name, "must be true or false, got %q", raw)
	}
	return b
}

// parseEnum reads one of allowed, case-insensitively, and returns it in lower case.
func parseEnum(name, raw string, allowed []string, p *problems) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	p.add(name, "must be one of %s, got %q", strings.Join(allowed, ", "), raw)
	return ""
}

// parseBaseURL reads an absolute http(s) URL without credentials, query or
// fragment, and returns it without a trailing "/". A value with an "@" may
// hold credentials, so its problem lines do not quote it.
func parseBaseURL(name, raw string, p *problems) string {
	s := strings.TrimSpace(raw)
	got := fmt.Sprintf("got %q", raw)
	if strings.Contains(s, "@") {
		got = "value not shown"
	}
	u, err := url.Parse(s)
	switch {
	case err == nil && u.User != nil:
		p.add(name, "must not contain credentials (value not shown)")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.add(name, "must be an absolute http or https URL, %s", got)
	case u.RawQuery != "" || u.Fragment != "":
		p.add(name, "must not have a query or fragment, %s", got)
	default:
		return strings.TrimRight(s, "/")
	}
	return ""
}

// parseHostPort reads host:port with a numeric port; the host may be empty.
func parseHostPort(name, raw string, p *problems) string {
	s := strings.TrimSpace(raw)
	_, port, err := net.SplitHostPort(s)
	if err == nil {
		if n, perr := strconv.Atoi(port); perr == nil && n >= 0 && n <= 65535 {
			return s
		}
	}
	p.add(name, "must be host:port with a numeric port, such as :8080, got %q", raw)
	return ""
}

// parseDuration reads a positive Go duration such as 25s or 1m30s.
func parseDuration(name, raw string, p *problems) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(raw))
	if err != nil || d <= 0 {
		p.add(name, "must be a positive duration such as 25s or 1m30s, got %q", raw)
		return 0
	}
	return d
}

// parseGUID reads an optional GUID such as 123e4567-e89b-12d3-a456-426614174000.
func parseGUID(name, raw string, p *problems) string {
	s := strings.TrimSpace(raw)
	if s == "" || isGUID(s) {
		return s
	}
	p.add(name, "must be a user GUID such as 123e4567-e89b-12d3-a456-426614174000, got %q", raw)
	return ""
}

// isGUID reports whether s is 8-4-4-4-12 hexadecimal digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// parseIDMap reads "Name=id,Name=id" into a map; names may contain spaces
// (the id follows the last "="). Blank entries are ignored; "" gives nil.
func parseIDMap(name, raw, what string, p *problems) map[string]int64 {
	var m map[string]int64
	for i, entry := range strings.Split(raw, ",") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		eq := strings.LastIndex(entry, "=")
		if eq < 0 {
			p.add(name, "entry %d: want name=%s, got %q", i+1, what, strings.TrimSpace(entry))
			continue
		}
		key, val := strings.TrimSpace(entry[:eq]), strings.TrimSpace(entry[eq+1:])
		id, ok := positiveID(val)
		switch {
		case key == "":
			p.add(name, "entry %d: name before \"=\" is empty", i+1)
		case !ok:
			p.add(name, "entry %d (%q): %s must be a positive whole number, got %q", i+1, key, what, val)
		case m[key] != 0:
			p.add(name, "entry %d (%q): named twice", i+1, key)
		default:
			if m == nil {
				m = make(map[string]int64)
			}
			m[key] = id
		}
	}
	return m
}

// parseStatePrefix reads a Redis key prefix: letters, digits, "_", "." and "-".
func parseStatePrefix(name, raw string, p *problems) string {
	s := strings.TrimSpace(raw)
	valid := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-", r)) {
			valid = false
		}
	}
	if !valid {
		p.add(name, "must be letters, digits, \"_\", \".\" or \"-\", got %q", raw)
		return ""
	}
	return s
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
