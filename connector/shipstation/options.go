package shipstation

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

// Option configures a Client; a bad option makes NewClient fail.
type Option func(*Client) error

// WithBaseURL sets the API root (default https://ssapi.shipstation.com). It
// may carry a path prefix; it must not carry credentials.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil {
			// url.Error repeats the URL; keep only the reason.
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			return fmt.Errorf("base URL: %w", err)
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return errors.New("base URL: scheme must be http or https")
		case u.Host == "":
			return errors.New("base URL: host missing")
		case u.User != nil:
			return errors.New("base URL: must not carry credentials")
		case u.RawQuery != "" || u.Fragment != "":
			return errors.New("base URL: must not have a query or fragment")
		}
		c.baseURL = u
		return nil
	}
}

// WithCredentials sets the API key and secret sent with HTTP Basic auth. It is required.
func WithCredentials(key, secret string) Option {
	return func(c *Client) error {
		if key == "" || secret == "" {
			return errors.New("credentials: API key and secret must not be empty")
		}
		c.apiKey, c.apiSecret = key, secret
		return nil
	}
}

// WithPartnerKey sets the partner key sent as the x-partner header; "" sends none.
func WithPartnerKey(key string) Option {
	return func(c *Client) error {
		c.partnerKey = key
		return nil
	}
}

// WithHTTPClient sets the HTTP client (default: one with a 60 s timeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error { return c.settings.SetHTTPClient(hc) }
}

// WithPacer sets the request pacer, in production the shared
// state.RateBudget. Without one requests are not paced, and a 429 waits out
// the server's reset in-process before the request is repeated.
func WithPacer(p transport.Pacer) Option {
	return func(c *Client) error {
		if p == nil {
			return errors.New("pacer must not be nil")
		}
		c.pacer = p
		return nil
	}
}

// WithRetryPolicy sets the backoff for 5xx, 408, timeouts and dropped
// connections (default retry.Default()).
func WithRetryPolicy(p retry.Policy) Option {
	return func(c *Client) error { return c.settings.SetRetry(p) }
}

// WithBreaker sets how many consecutive failed attempts open the circuit
// breaker and how long it stays open before letting one attempt through
// (default 10 and 30 s).
func WithBreaker(threshold uint32, openFor time.Duration) Option {
	return func(c *Client) error { return c.settings.SetBreaker(threshold, openFor) }
}

// WithLogger sets the logger for retries, rate limiting and breaker changes
// (default: discard).
func WithLogger(l zerolog.Logger) Option {
	return func(c *Client) error {
		c.settings.Logger = l
		return nil
	}
}

// WithObserver sets the receiver of request, rate and breaker measurements;
// nil means none.
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		if o == nil {
			o = nopObserver{}
		}
		c.observer = o
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "shipsync").
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" {
			return errors.New("user agent must not be empty")
		}
		c.userAgent = ua
		return nil
	}
}
