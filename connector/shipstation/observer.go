package shipstation

import (
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// Observer receives the client's measurements, e.g. to export them as metrics:
// the transport's (requests, breaker state) and the rate budget the server
// reports. Its methods are called synchronously on the request path and must
// be quick.
type Observer interface {
	transport.Observer
	// ObserveRateRemaining reports X-Rate-Limit-Remaining of a response.
	ObserveRateRemaining(remaining int)
}

// nopObserver is the Observer used when none is configured.
type nopObserver struct{}

func (nopObserver) ObserveRequest(string, int, time.Duration) {}
func (nopObserver) ObserveRateRemaining(int)                  {}
func (nopObserver) ObserveBreakerState(string)                {}
