package shipstationtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPageSize is the largest pageSize the list endpoints accept.
const maxPageSize = 500

// query reads query parameters case-insensitively, as ShipStation does
// (webhook URLs say storeID), and keeps the first problem for a 400 reply.
type query struct {
	values map[string]string
	err    error
}

func newQuery(r *http.Request) *query {
	q := &query{values: map[string]string{}}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			q.values[strings.ToLower(k)] = v[0]
		}
	}
	return q
}

func (q *query) fail(format string, args ...any) {
	if q.err == nil {
		q.err = problemf(format, args...)
	}
}

// str returns the parameter, "" when absent.
func (q *query) str(name string) string { return q.values[strings.ToLower(name)] }

// int64 returns the parameter as an integer; ok is false when it is absent.
func (q *query) int64(name string) (n int64, ok bool) {
	s := q.str(name)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		q.fail("The value '%s' is not valid for %s.", s, name)
		return 0, false
	}
	return n, true
}

// boolean returns the parameter as a bool ("true"/"True"/"false"/...).
func (q *query) boolean(name string) bool {
	s := q.str(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		q.fail("The value '%s' is not valid for %s.", s, name)
	}
	return b
}

// status returns an order status parameter, checked against the enum.
func (q *query) status(name string) string {
	s := q.str(name)
	switch s {
	case "", StatusAwaitingPayment, StatusAwaitingShipment, StatusPendingFulfillment, StatusOnHold,
		StatusShipped, StatusCancelled, StatusRejectedFulfillment:
	default:
		q.fail("The value '%s' is not valid for %s.", s, name)
	}
	return s
}

// dateRange is an inclusive window of Pacific wall-clock values at second
// precision, read from <prefix>Start and <prefix>End.
type dateRange struct {
	start, end       time.Time
	hasStart, hasEnd bool
}

func (q *query) dates(prefix string) dateRange {
	var d dateRange
	d.start, d.hasStart = q.date(prefix + "Start")
	d.end, d.hasEnd = q.date(prefix + "End")
	return d
}

func (q *query) date(name string) (time.Time, bool) {
	s := q.str(name)
	if s == "" {
		return time.Time{}, false
	}
	t, err := parseQueryTime(s)
	if err != nil {
		q.fail("%s: %v", name, err)
		return time.Time{}, false
	}
	return t, true
}

// contains reports whether the instant t, read as Pacific wall-clock time
// truncated to the second, is on or after the start and on or before the
// end. A null (zero) t matches only an open window.
func (d dateRange) contains(t time.Time, loc *time.Location) bool {
	if !d.hasStart && !d.hasEnd {
		return true
	}
	if t.IsZero() {
		return false
	}
	w := wallClock(t, loc).Truncate(time.Second)
	return (!d.hasStart || !w.Before(d.start)) && (!d.hasEnd || !w.After(d.end))
}

// paging is the requested page.
type paging struct{ page, size int }

func (q *query) paging() paging {
	p := paging{page: 1, size: 100}
	if n, ok := q.int64("page"); ok {
		if n < 1 {
			q.fail("page must be 1 or more.")
		}
		p.page = int(n)
	}
	if n, ok := q.int64("pageSize"); ok {
		if n < 1 || n > maxPageSize {
			q.fail("pageSize must be between 1 and %d.", maxPageSize)
		}
		p.size = int(n)
	}
	return p
}

// sortDesc reads sortDir (ASC or DESC, any case).
func (q *query) sortDesc() bool {
	switch strings.ToUpper(q.str("sortDir")) {
	case "", "ASC":
		return false
	case "DESC":
		return true
	}
	q.fail("The value '%s' is not valid for sortDir.", q.str("sortDir"))
	return false
}

// sortKey reads sortBy, one of the keys of byName (lower case), and returns
// the chosen key function, or nil for the default order.
func sortKey[T any](q *query, byName map[string]func(*T) time.Time) func(*T) time.Time {
	name := q.str("sortBy")
	if name == "" {
		return nil
	}
	key, ok := byName[strings.ToLower(name)]
	if !ok {
		q.fail("The value '%s' is not valid for sortBy.", name)
	}
	return key
}
