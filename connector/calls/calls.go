// Package calls counts the upstream requests one job run makes, so that the
// run's summary line can say how much of the API budget it used.
package calls

import (
	"context"
	"sync/atomic"
)

// Counter holds the number of requests sent to each upstream during one run.
// Every attempt counts, retries included, because every attempt spends budget.
type Counter struct {
	shipStation atomic.Int64
	quipt       atomic.Int64
}

// Upstream names the system a request went to.
type Upstream int

// The upstreams shipsync talks to.
const (
	ShipStation Upstream = iota
	Quipt
)

type ctxKey struct{}

// WithCounter returns a context that carries c.
func WithCounter(ctx context.Context, c *Counter) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// Add records one request to u on the counter carried by ctx, if any.
func Add(ctx context.Context, u Upstream) {
	c, _ := ctx.Value(ctxKey{}).(*Counter)
	if c == nil {
		return
	}
	switch u {
	case ShipStation:
		c.shipStation.Add(1)
	case Quipt:
		c.quipt.Add(1)
	}
}

// ShipStation returns the number of ShipStation requests counted so far.
func (c *Counter) ShipStation() int64 { return c.shipStation.Load() }

// Quipt returns the number of Quipt requests counted so far.
func (c *Counter) Quipt() int64 { return c.quipt.Load() }
