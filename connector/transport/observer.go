package transport

import "time"

// Observer receives the transport's measurements, e.g. to export them as
// metrics. Its methods are called synchronously on the request path and must
// be quick.
type Observer interface {
	// ObserveRequest reports one attempt: endpoint is the path template
	// ("/orders/{id}"), status is 0 when no response arrived.
	ObserveRequest(endpoint string, status int, d time.Duration)
	// ObserveBreakerState reports the circuit breaker's state ("closed",
	// "half-open", "open") at construction and on every change.
	ObserveBreakerState(state string)
}

// nopObserver is the Observer used when none is configured.
type nopObserver struct{}

func (nopObserver) ObserveRequest(string, int, time.Duration) {}
func (nopObserver) ObserveBreakerState(string)                {}
