package transport

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// kind is how the breaker and the retry loop treat one failed attempt.
type kind int

const (
	// kindSuccess: the server answered 2xx. Whatever the connector makes of
	// the body (a failure its envelope reports, a body it cannot read), the
	// upstream is up and the problem is the call's; it is not repeated.
	kindSuccess kind = iota
	// kindFailure: a 5xx or 408 answer, or a transport failure (refused,
	// reset or dropped connection, timeout). The breaker counts it, and it is
	// repeated under the retry policy.
	kindFailure
	// kindThrottled: a rate-limit answer. Neither counted nor a success for the
	// breaker; repeated after the server's wait.
	kindThrottled
	// kindFinal: a 4xx other than 408 and 429, the caller's cancellation, a
	// pacer that failed, a certificate that does not verify. A caller's
	// mistake and a run that ends are no outage: the breaker ignores it, and
	// repeating it cannot help.
	kindFinal
)

// classify says how an attempt's error counts. It is the one place where
// that is decided, for both the breaker and the retry loop.
func (t *Transport) classify(err error) kind {
	if err == nil {
		return kindSuccess
	}
	return t.classifyFailure(err)
}

// classifyFailure is classify of an error that is not nil, apart so that
// the targets errors.As needs (which escape) are made only for a failure,
// not for every call that succeeded.
func (t *Transport) classifyFailure(err error) kind {
	var (
		ansErr  *answerError
		sendErr *sendError
	)
	switch {
	case errors.As(err, &sendErr):
		// Made only while the call's context was live: an HTTP client
		// timeout is a failure, not the caller's cancellation.
		if sendErr.temporary() {
			return kindFailure
		}
		return kindFinal
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return kindFinal
	case t.throttled(err):
		return kindThrottled
	case errors.As(err, &ansErr):
		return statusKind(ansErr.status)
	default:
		return kindFinal
	}
}

// statusKind classifies an answer the connector refused by its status.
func statusKind(status int) kind {
	switch {
	case status >= 200 && status < 300:
		return kindSuccess
	case status == http.StatusTooManyRequests:
		return kindThrottled
	case status == http.StatusRequestTimeout || status >= 500:
		return kindFailure
	default:
		return kindFinal
	}
}

// throttled reports whether the connector says err is a rate limit.
func (t *Transport) throttled(err error) bool {
	_, ok := t.cfg.API.Throttled(err)
	return ok
}

// serverWait is the wait a rate-limit error asked for.
func (t *Transport) serverWait(err error) time.Duration {
	wait, _ := t.cfg.API.Throttled(err)
	return wait
}
