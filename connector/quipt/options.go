package quipt

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/transport"
)

// Option configures a Client; NewClient reports the first bad one.
type Option func(*Client) error

// WithBaseURL sets the API root (default https://api.getquipt.com). It may
// carry a path prefix; request paths (/v2/...) are appended to it.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("base URL: %w", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("base URL %q: want http(s)://host[/prefix]", raw)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("base URL %q: must not have a query or fragment", raw)
		}
		c.baseURL = raw
		return nil
	}
}

// WithCredentials sets the OAuth 1.0a consumer key and secret and the access
// token and secret. Required.
func WithCredentials(consumerKey, consumerSecret, token, tokenSecret string) Option {
	return func(c *Client) error {
		var missing []error
		for _, f := range []struct{ name, value string }{
			{"consumer key", consumerKey},
			{"consumer secret", consumerSecret},
			{"token", token},
			{"token secret", tokenSecret},
		} {
			if f.value == "" {
				missing = append(missing, fmt.Errorf("credentials: %s is empty", f.name))
			}
		}
		if len(missing) > 0 {
			return errors.Join(missing...)
		}
		c.creds = &credentials{consumerKey: consumerKey, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret}
		return nil
	}
}

// WithHTTPClient sets the HTTP client (default: 30 s timeout per attempt).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error { return c.settings.SetHTTPClient(hc) }
}

// WithRetryPolicy sets the retry policy (default retry.Default()).
func WithRetryPolicy(p retry.Policy) Option {
	return func(c *Client) error { return c.settings.SetRetry(p) }
}

// WithBreaker sets the circuit breaker: it opens after threshold consecutive
// failed HTTP requests (attempts: every retry counts; 429s, permanent 4xx and
// cancelled attempts count neither way) and half-opens after openFor (default
// 10 and 30 s).
func WithBreaker(threshold uint32, openFor time.Duration) Option {
	return func(c *Client) error { return c.settings.SetBreaker(threshold, openFor) }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l zerolog.Logger) Option {
	return func(c *Client) error {
		c.settings.Logger = l
		return nil
	}
}

// WithObserver sets the receiver of request and breaker metrics. A nil
// observer is allowed and ignored.
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		c.settings.Observer = o
		return nil
	}
}

// WithClock sets the time source of OAuth timestamps (tests).
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return errors.New("clock is nil")
		}
		c.now = now
		return nil
	}
}

// WithNonceSource sets the source of OAuth nonces (tests). Each call must
// return a value never returned before.
func WithNonceSource(nonce func() string) Option {
	return func(c *Client) error {
		if nonce == nil {
			return errors.New("nonce source is nil")
		}
		c.nonce = nonce
		return nil
	}
}

// WithConcurrency bounds the requests in flight at once to n (at least 1),
// adaptively: the bound halves on a 429 or a 5xx and grows back by one after
// a run of successes, never above n (transport.Limiter). Without it the
// client does not bound them.
func WithConcurrency(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("concurrency must be at least 1, got %d", n)
		}
		c.limiter = transport.NewLimiter(n)
		return nil
	}
}
