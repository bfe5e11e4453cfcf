package config

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// parseRedisURL reads a redis:// or rediss:// URL with a host and an optional
// database number. The value may hold a password, so no problem line quotes it.
func parseRedisURL(name, raw string, p *problems) Secret {
	s := strings.TrimSpace(raw)
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
