package transport

import "context"

// BeforeSend is called right before each attempt of an AtMostOnce request
// is sent, after the wait for a rate slot; an error stops the call and
// nothing is sent.
type BeforeSend func(ctx context.Context) error

type beforeSendKey struct{}

// WithBeforeSend returns a context whose AtMostOnce requests call fn right
// before each attempt is sent. A job stamps the attempt time of a write
// without idempotency key there, so that WRITE_SETTLE runs from the last
// attempt the upstream may have received (not from before the retries and
// rate-limit waits that came first), and a run that lost its lease (fn
// fails its fenced write) sends nothing.
func WithBeforeSend(ctx context.Context, fn BeforeSend) context.Context {
	return context.WithValue(ctx, beforeSendKey{}, fn)
}

// beforeSend runs the BeforeSend ctx carries, if any.
func beforeSend(ctx context.Context) error {
	fn, _ := ctx.Value(beforeSendKey{}).(BeforeSend)
	if fn == nil {
		return nil
	}
	return fn(ctx)
}
