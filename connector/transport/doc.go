// Package transport is the request path both connectors share: every
// attempt passes one circuit breaker, waits for the Pacer when there is one,
// is counted on the run's calls.Counter, is measured by the Observer and is
// sent so that net/http never replays it by itself; failed attempts are
// repeated under the retry.Policy, rate-limited ones after the wait the server
// asked for, and a write without an idempotency key (Request.AtMostOnce) is
// never repeated once an attempt may have reached the server.
//
// A connector supplies what is its own through an API: how an attempt is
// authenticated, how an answer maps to its typed errors, and which of those
// errors is a rate limit. The breaker's and the retry loop's classification of
// an attempt is written here once (see classify).
//
// Retry warnings go to the logger on the call's context (zerolog.Ctx; a job
// run's carries job and run_id), else to the connector's own logger.
package transport
