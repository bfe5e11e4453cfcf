package shipstation

import (
	"net/url"
	"strconv"
	"time"
)

// query builds the filter parameters of a list call; zero values are left out.
type query url.Values

func (q query) str(key, v string) {
	if v != "" {
		url.Values(q).Set(key, v)
	}
}

func (q query) id(key string, v int64) {
	if v != 0 {
		url.Values(q).Set(key, strconv.FormatInt(v, 10))
	}
}

// time sends t as a Pacific "2006-01-02 15:04:05".
func (q query) time(key string, t time.Time) {
	if !t.IsZero() {
		url.Values(q).Set(key, FormatQuery(t))
	}
}

// date sends t as a Pacific "2006-01-02".
func (q query) date(key string, t time.Time) {
	if !t.IsZero() {
		url.Values(q).Set(key, t.In(Pacific()).Format(dateLayout))
	}
}

func (q query) flag(key string, v bool) {
	if v {
		url.Values(q).Set(key, "true")
	}
}
