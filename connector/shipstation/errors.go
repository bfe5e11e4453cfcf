package shipstation

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/shipsync/shipsync/connector/transport"
)

// maxErrorText bounds how much of a response body an error carries.
const maxErrorText = 512

// ErrBreakerOpen is returned (wrapped) when the circuit breaker refuses a
// request without sending it, or when a call's own failed attempt opened it.
// It also satisfies errors.Is(err, gobreaker.ErrOpenState).
var ErrBreakerOpen = fmt.Errorf("shipstation: %w", gobreaker.ErrOpenState)

// ErrNotApplied is returned (wrapped) when ShipStation answered 2xx but said
// the request was not carried out, e.g. assignuser with success=false.
var ErrNotApplied = errors.New("shipstation: request not applied")

// ErrUncertain is returned (wrapped, together with the failure) when an
// at-most-once request (assignuser, markasshipped) failed in a way that leaves
// open whether ShipStation applied it: a 5xx, a timeout or a connection lost
// after the request was sent. Such requests are not repeated blindly; the
// caller reads the order to learn whether the effect happened.
var ErrUncertain = errors.New("shipstation: outcome unknown")

// APIError is a non-2xx answer from ShipStation other than a rate limit.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Endpoint is the request path, without query string.
	Endpoint string
	// Message is the server's explanation, decoded leniently from the body.
	Message string
	// Body is the start of the raw body (at most 512 bytes), credentials removed.
	Body string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("shipstation %s: %d %s: %s", e.Endpoint, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// RateLimitError is a 429 (or a "Too Many Requests" body) that was still
// rate-limited after the client's bounded retries.
type RateLimitError struct {
	// Endpoint is the request path, without query string.
	Endpoint string
	// Reset is how long the server said its window had left (60 s if unsaid).
	Reset time.Duration
	// Limit is the X-Rate-Limit-Limit the server sent, 0 if none.
	Limit int
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("shipstation %s: rate limited, window resets in %s", e.Endpoint, e.Reset)
}

// IsPermanent reports whether err is a failure of the request itself that
// repeating it cannot fix: a 4xx other than 408 and 429, or ErrNotApplied.
// 401 and 403 are not: they say the credentials are wrong, not the request,
// so a caller must stop rather than blame (and dead-letter) the item.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrNotApplied) {
		return true
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch s := apiErr.StatusCode; s {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusUnauthorized, http.StatusForbidden:
		return false
	default:
		return s >= 400 && s < 500
	}
}

// newAPIError builds the error for a non-2xx response. redact removes the
// client's credentials from the body before anything is kept.
func newAPIError(status int, endpoint string, body []byte, redact func(string) string) *APIError {
	text := strings.TrimSpace(redact(string(body)))
	msg := transport.Truncate(redact(errorMessage(text)), maxErrorText)
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &APIError{StatusCode: status, Endpoint: endpoint, Message: msg, Body: transport.Truncate(text, maxErrorText)}
}

// errorMessage picks the explanation out of the body shapes ShipStation uses:
// {"message": ...}, ASP.NET {"Message": ..., "ExceptionMessage": ...}, or
// plain text / HTML.
func errorMessage(text string) string {
	var shapes struct {
		Message          string `json:"message"`
		MessageASP       string `json:"Message"`
		ExceptionMessage string `json:"ExceptionMessage"`
	}
	if err := json.Unmarshal([]byte(text), &shapes); err != nil {
		return text
	}
	switch {
	case shapes.ExceptionMessage != "" && shapes.MessageASP != "":
		return shapes.MessageASP + ": " + shapes.ExceptionMessage
	case shapes.ExceptionMessage != "":
		return shapes.ExceptionMessage
	case shapes.Message != "":
		return shapes.Message
	case shapes.MessageASP != "":
		return shapes.MessageASP
	}
	return text
}
