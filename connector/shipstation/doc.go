// Package shipstation is a client for the ShipStation API v1
// (https://ssapi.shipstation.com), shaped after google/go-github: a Client
// built from options, one service per resource (c.Orders, c.Shipments, ...),
// ctx first on every call, typed errors.
//
// Every request goes through the shared path of package transport: the
// circuit breaker admits the attempt (an open breaker fails fast, spending no
// rate slot), the transport.Pacer set by WithPacer (the shared Redis budget,
// state.RateBudget) grants a slot, so the 40 requests/minute of the key pair
// are respected, the response's X-Rate-Limit-* headers are fed back to the
// pacer, 429s wait for the window reset and are retried, and 5xx, 408,
// timeouts and dropped connections are retried with the retry.Policy. The
// writes without an idempotency key (assignuser, markasshipped) are never
// repeated once an attempt may have reached ShipStation: see ErrUncertain.
// Retry warnings go to the run's logger on the context (job, run_id).
//
// Timestamps are Pacific local time without an offset; see Time and Date.
// Nullable JSON fields decode into plain Go types where null and the zero
// value mean the same thing (null strings become "", null numbers 0), and into
// pointers where the difference matters.
//
// List endpoints are walked page by page with iterators (Orders.Pages, ...).
// One malformed item never fails its page: it is reported in Page.Invalid.
package shipstation
