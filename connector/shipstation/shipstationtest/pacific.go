package shipstationtest

import (
	"fmt"
	"strconv"
	"time"

	_ "time/tzdata" // America/Los_Angeles must load in bare images too.
)

// Layouts of the times the API emits (docs §2.2).
const (
	layoutDateTime = "2006-01-02T15:04:05.0000000" // orders, shipments
	layoutTrimmed  = "2006-01-02T15:04:05.999"     // items, products, stores
	layoutDate     = "2006-01-02"                  // shipDate
	layoutQuery    = "2006-01-02 15:04:05"         // query parameters
)

// loadPacific returns the America/Los_Angeles location. The embedded tzdata
// makes a failure impossible short of a broken toolchain.
func loadPacific() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic("shipstationtest: load America/Los_Angeles: " + err.Error())
	}
	return loc
}

// wireTime renders an instant as Pacific local time without an offset, or
// null when it is zero.
type wireTime struct {
	t      time.Time
	layout string
	loc    *time.Location
}

// MarshalJSON implements json.Marshaler.
func (w wireTime) MarshalJSON() ([]byte, error) {
	if w.t.IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendQuote(nil, w.t.In(w.loc).Format(w.layout)), nil
}

// wallClock returns t's Pacific wall-clock reading as a naive value (in UTC).
// ShipStation stores and compares naive Pacific times, so the two instants
// of an ambiguous fall-back hour compare equal, and filters and sorts are done
// on these values.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// parseQueryTime parses a query-string date, `yyyy-mm-dd hh:mm:ss` or
// `yyyy-mm-dd`, as a naive Pacific wall-clock value.
func parseQueryTime(s string) (time.Time, error) {
	for _, layout := range []string{layoutQuery, "2006-01-02T15:04:05", layoutDate} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date in yyyy-mm-dd hh:mm:ss format", s)
}

// parseWireTime parses a date or date-time sent in a request body: Pacific
// local time without an offset (any fraction), `yyyy-mm-dd hh:mm:ss`, a date,
// or RFC 3339 with an offset. Null and "" give the zero time.
func parseWireTime(raw *string, loc *time.Location) (time.Time, error) {
	if raw == nil || *raw == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", layoutQuery, layoutDate} {
		if t, err := time.ParseInLocation(layout, *raw, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, *raw); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a valid date", *raw)
}

// pacificDate returns midnight Pacific of the day t falls on in Pacific time.
func pacificDate(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}
