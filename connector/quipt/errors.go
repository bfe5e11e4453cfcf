package quipt

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// ErrBreakerOpen is returned (wrapped) while the client's circuit breaker is
// open or half-open and already probing: the attempt was not sent. A call whose
// own failed attempt opened the breaker returns it too, instead of retrying.
// Jobs that need Quipt skip their run when they see it.
var ErrBreakerOpen = errors.New("quipt: circuit breaker open")

// ErrInvalidRequest is returned (wrapped) when a call's arguments are
// rejected before anything is sent, e.g. a purchase order without
// PartnerReference or a shipment without lines.
var ErrInvalidRequest = errors.New("quipt: invalid request")

// ErrAppliedUnreadable is returned (wrapped) when Quipt reported a write as
// successful but its Result could not be read: the effect happened, only the
// record it returned is unknown.
var ErrAppliedUnreadable = errors.New("quipt: applied, but the answer could not be read")

// ErrMalformed is returned (wrapped) when Quipt answered with a record that
// cannot be read (a wrong type, a missing Id). Asking again returns the same
// record, so it is permanent: the item it concerns is dead-lettered.
var ErrMalformed = errors.New("quipt: malformed record")

// maxErrorBody caps the raw response body kept in an APIError.
const maxErrorBody = 1024

// APIError is a response Quipt answered with an error: a non-2xx status, or a
// 2xx envelope with Success false or an Error message.
type APIError struct {
	// StatusCode is the HTTP status; 200 when the envelope reported the failure.
	StatusCode int
	// Method is the HTTP method of the request.
	Method string
	// Endpoint is the path template, e.g. /v2/orders/fulfillment/ship.
	Endpoint string
	// Messages are the envelope's messages, when the body was an envelope.
	Messages []Message
	// TransactionID is the envelope's TransactionId, for Quipt support.
	TransactionID string
	// Body is the raw response body, truncated to 1 KiB.
	Body string
}

// Error reports the status and the first Error message (or, without one, the
// start of the body).
func (e *APIError) Error() string {
	detail := ""
	for _, m := range e.Messages {
		if m.Severity == SeverityError {
			detail = m.Description
			if m.Code != "" {
				detail = m.Code + ": " + detail
			}
			break
		}
	}
	if detail == "" {
		detail = transport.Truncate(e.Body, 200)
	}
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("quipt: %s %s: HTTP %d: %s", e.Method, e.Endpoint, e.StatusCode, detail)
}

// RateLimitError is a 429 answer. RetryAfter is the server's Retry-After (1 s
// when the header is absent or unreadable).
type RateLimitError struct {
	// Method is the HTTP method of the request.
	Method string
	// Endpoint is the path template of the request.
	Endpoint string
	// RetryAfter is how long the server asked the client to wait.
	RetryAfter time.Duration
}

// Error reports the endpoint and the wait the server asked for.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("quipt: %s %s: rate limited, retry after %s", e.Method, e.Endpoint, e.RetryAfter)
}

// IsPermanent reports whether err is a failure that repeating the same
// request cannot fix, so the item should be dead-lettered: invalid arguments,
// a malformed record, a 4xx answer other than 408 and 429, or a 2xx envelope
// reporting failure. 401 and 403 are not: they say the credentials are wrong,
// not the request, so a caller must stop rather than dead-letter the item.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalidRequest) || errors.Is(err, ErrMalformed) {
		return true
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return permanentStatus(apiErr.StatusCode)
}

// permanentStatus is true for statuses that a retry cannot change.
func permanentStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests,
		code == http.StatusUnauthorized, code == http.StatusForbidden:
		return false
	case code >= 200 && code < 500:
		return true
	default:
		return false
	}
}
