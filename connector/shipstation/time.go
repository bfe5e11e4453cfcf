package shipstation

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // America/Los_Angeles must load in a bare image too

	"github.com/shipsync/shipsync/connector/jsonscan"
)

const (
	// wireLayout is how ShipStation writes timestamps: Pacific wall clock, no offset.
	wireLayout = "2006-01-02T15:04:05.0000000"
	// dateLayout is a date-only value such as shipDate.
	dateLayout = "2006-01-02"
	// queryLayout is what ShipStation expects in date query parameters.
	queryLayout = "2006-01-02 15:04:05"
)

// pacific loads ShipStation's time zone once; the embedded tzdata makes the
// load infallible in practice, so a failure is a build defect.
var pacific = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(fmt.Sprintf("shipstation: load America/Los_Angeles: %v", err))
	}
	return loc
})

// Pacific returns America/Los_Angeles, the zone every ShipStation timestamp
// without an offset is in.
func Pacific() *time.Location { return pacific() }

// FormatQuery formats t for a ShipStation date query parameter: Pacific wall
// clock, second precision, "2006-01-02 15:04:05".
func FormatQuery(t time.Time) string { return t.In(Pacific()).Format(queryLayout) }

// Time is a ShipStation timestamp such as "2015-06-29T08:46:27.0000000",
// which is Pacific local time with no offset.
//
// During the hour repeated when Pacific clocks fall back (e.g. 2025-11-02
// 01:00–01:59) the wall clock is ambiguous; Go resolves it to the first
// occurrence (PDT, UTC−7), so "2025-11-02T01:28:02.44" is 08:28:02.44Z even if
// ShipStation meant 09:28:02.44Z. A wall clock that does not exist (the hour
// skipped when clocks spring forward, e.g. 2025-03-09 02:30) becomes the
// instant one hour earlier on the PST side (09:30Z). Raw keeps the text as
// received for audits of such cases.
type Time struct {
	time.Time
	// Raw is the value as ShipStation sent it, without quotes; "" for null.
	Raw string
}

// UnmarshalJSON accepts "2006-01-02T15:04:05" with 0 to 7 fraction digits,
// a date-only "2006-01-02" (midnight Pacific), null and "" (both the zero
// Time). A numeric offset is honoured; a bare "Z" is not, since the docs
// show it on samples whose times are Pacific wall clock all the same.
func (t *Time) UnmarshalJSON(data []byte) error {
	raw, parsed, err := parseWire(data)
	if err != nil {
		return err
	}
	*t = Time{Time: parsed, Raw: raw}
	return nil
}

// MarshalJSON writes the Pacific wall clock as "2006-01-02T15:04:05.0000000",
// and null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) { return appendPacific(nil, t.Time, wireLayout), nil }

// Date is a date-only ShipStation value such as a shipment's shipDate
// ("2025-03-10"), held as midnight Pacific.
type Date struct {
	time.Time
	// Raw is the value as ShipStation sent it, without quotes; "" for null.
	Raw string
}

// UnmarshalJSON accepts the same inputs as Time.UnmarshalJSON.
func (d *Date) UnmarshalJSON(data []byte) error {
	raw, parsed, err := parseWire(data)
	if err != nil {
		return err
	}
	*d = Date{Time: parsed, Raw: raw}
	return nil
}

// MarshalJSON writes the Pacific date as "2006-01-02", and null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) { return appendPacific(nil, d.Time, dateLayout), nil }

// appendPacific appends t as a JSON string of its Pacific wall clock in
// layout, and null for the zero time.
func appendPacific(b []byte, t time.Time, layout string) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.In(Pacific()).AppendFormat(b, layout)
	return append(b, '"')
}

// parseWire decodes a JSON string or null holding a ShipStation timestamp.
func parseWire(data []byte) (string, time.Time, error) {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return "", time.Time{}, nil
	}
	s, err := jsonscan.String(data)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("shipstation time: %w", err)
	}
	t, err := parseTimestamp(s)
	if err != nil {
		return "", time.Time{}, err
	}
	return s, t, nil
}

// parseTimestamp parses the text of a ShipStation timestamp; see Time.
func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) == len(dateLayout) {
		t, err := time.ParseInLocation(dateLayout, s, Pacific())
		if err != nil {
			return time.Time{}, fmt.Errorf("shipstation date %q: %w", s, err)
		}
		return t, nil
	}
	// Some documentation samples use a space instead of "T".
	if len(s) > len(dateLayout) && s[len(dateLayout)] == ' ' {
		s = s[:len(dateLayout)] + "T" + s[len(dateLayout)+1:]
	}
	// A bare "Z" is the documentation's placeholder, not a zone: ShipStation's
	// times are Pacific wall clock (docs §2.2), so it is read as such. A real
	// numeric offset is honoured.
	if strings.HasSuffix(s, "Z") {
		s = strings.TrimSuffix(s, "Z")
	} else if len(s) > len(dateLayout) && strings.ContainsAny(s[len(dateLayout):], "+-") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("shipstation time %q: %w", s, err)
		}
		return t, nil
	}
	// Go accepts any number of fraction digits after the seconds even though
	// the layout has none.
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s, Pacific())
	if err != nil {
		return time.Time{}, fmt.Errorf("shipstation time %q: %w", s, err)
	}
	return t, nil
}
