package shipstation

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/retry"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	creds := WithCredentials(testKey, testSecret)
	tests := []struct {
		name string
		opts []Option
	}{
		{"no credentials", nil},
		{"empty key", []Option{WithCredentials("", testSecret)}},
		{"empty secret", []Option{WithCredentials(testKey, "")}},
		{"relative base URL", []Option{creds, WithBaseURL("/api")}},
		{"unparsable base URL", []Option{creds, WithBaseURL("https://exa mple.com/%zz")}},
		{"base URL with credentials", []Option{creds, WithBaseURL("https://" + testKey + ":" + testSecret + "@ssapi.example.com")}},
		{"base URL with query", []Option{creds, WithBaseURL("https://ssapi.example.com/?x=1")}},
		{"nil HTTP client", []Option{creds, WithHTTPClient(nil)}},
		{"nil pacer", []Option{creds, WithPacer(nil)}},
		{"no attempts", []Option{creds, WithRetryPolicy(retry.Policy{})}},
		{"zero breaker threshold", []Option{creds, WithBreaker(0, time.Second)}},
		{"zero breaker open time", []Option{creds, WithBreaker(3, 0)}},
		{"empty user agent", []Option{creds, WithUserAgent("")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.opts...)
			if err == nil {
				t.Fatalf("NewClient = %v, want an error", c)
			}
			if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q reveals a credential", err)
			}
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	obs := &recordingObserver{}
	c, err := NewClient(WithCredentials(testKey, testSecret), WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL.String() != DefaultBaseURL || c.settings.HTTPClient.Timeout != 60*time.Second || c.settings.Retry != retry.Default() {
		t.Errorf("defaults: base %s, timeout %v, retry %+v", c.baseURL, c.settings.HTTPClient.Timeout, c.settings.Retry)
	}
	if c.pacer != nil {
		t.Errorf("default pacer = %#v, want none", c.pacer)
	}
	if c.settings.BreakerThreshold != 10 || c.settings.BreakerOpenFor != 30*time.Second || c.BreakerState() != "closed" {
		t.Errorf("breaker: %d, %v, %s", c.settings.BreakerThreshold, c.settings.BreakerOpenFor, c.BreakerState())
	}
	if _, _, states := obs.snapshot(); !cmp.Equal(states, []string{"closed"}) {
		t.Errorf("initial breaker state reported = %v", states)
	}
	if c.Orders == nil || c.Shipments == nil || c.Fulfillments == nil || c.Products == nil || c.Carriers == nil ||
		c.Stores == nil || c.Warehouses == nil || c.Users == nil || c.Tags == nil {
		t.Error("a service is nil")
	}
}

func TestRequestHeadersAndBasePath(t *testing.T) {
	c, mux, _ := setup(t, WithPartnerKey("partner-77"), WithUserAgent("shipsync/test"))
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != testKey || pass != testSecret {
			t.Errorf("basic auth = %q, %q, %v", user, pass, ok)
		}
		for h, want := range map[string]string{"x-partner": "partner-77", "User-Agent": "shipsync/test", "Accept": "application/json"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		writeJSON(t, w, 200, []User{{UserID: "u-1", UserName: "ops", Name: "Ops"}})
	})
	got, err := c.Users.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]User{{UserID: "u-1", UserName: "ops", Name: "Ops"}}, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestNoPartnerHeaderByDefault(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Header["X-Partner"]; ok {
			t.Error("x-partner sent without a partner key")
		}
		writeJSON(t, w, 200, []User{})
	})
	if _, err := c.Users.List(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	token := base64.StdEncoding.EncodeToString([]byte(testKey + ":" + testSecret))
	c, mux, _ := setup(t, WithPartnerKey("partner-secret-55"))
	echo := func(r *http.Request) string {
		return "auth=" + r.Header.Get("Authorization") + " key=" + testKey + " secret=" + testSecret + " partner=" + r.Header.Get("x-partner")
	}
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		_, _ = w.Write([]byte("401 Unauthorized " + echo(r)))
	})
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 500, map[string]string{"Message": "An error has occurred.", "ExceptionMessage": echo(r)})
	})
	mux.HandleFunc("POST /orders/assignuser", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, map[string]any{"success": false, "message": echo(r)})
	})
	var errs []error
	_, err := c.Users.List(t.Context())
	errs = append(errs, err)
	_, err = c.Orders.Get(t.Context(), 1)
	errs = append(errs, err)
	errs = append(errs, c.Orders.AssignUser(t.Context(), []int64{1}, "u"))
	for _, err := range errs {
		if err == nil {
			t.Fatal("want an error")
		}
		text := err.Error()
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			text += apiErr.Body + apiErr.Message
		}
		for _, s := range []string{testSecret, testKey, token, "partner-secret-55"} {
			if strings.Contains(text, s) {
				t.Errorf("error reveals %q: %s", s, text)
			}
		}
		if !strings.Contains(text, "[redacted]") {
			t.Errorf("error %q lost the rest of the server's message", text)
		}
	}
}

// TestEscapedSecretsNeverInErrors: a server may echo a credential escaped:
// in a JSON string (encoding/json writes & < > as \u0026 \u003c \u003e,
// ASP.NET writes / as \/, any writer may escape any letter), or
// percent-encoded. None of it may reach an error, raw or decoded.
func TestEscapedSecretsNeverInErrors(t *testing.T) {
	const key, secret = "key/with+chars", "p/ss+w&rd<1>"
	c, mux, _ := setup(t, WithCredentials(key, secret))
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 400, map[string]string{"message": "bad secret " + secret + " for key " + key})
	})
	mux.HandleFunc("GET /stores", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"Message":"bad secret p\/ss+w&rd<1> or p\u002fss\u002bw\u0026rd\u003c1\u003e"}`))
	})
	mux.HandleFunc("GET /warehouses", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte("bad form secret=" + url.QueryEscape(secret) + "&key=" + url.QueryEscape(key) + " path " + url.PathEscape(secret)))
	})
	calls := map[string]func() error{
		"users":      func() error { _, err := c.Users.List(t.Context()); return err },
		"stores":     func() error { _, err := c.Stores.List(t.Context()); return err },
		"warehouses": func() error { _, err := c.Warehouses.List(t.Context()); return err },
	}
	for name, call := range calls {
		err := call()
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: %v, want an APIError", name, err)
		}
		text := err.Error() + apiErr.Body + apiErr.Message
		for _, s := range []string{secret, key, url.QueryEscape(secret), url.PathEscape(secret), `p\/ss`, `\u0026rd`, "p/ss+w&rd"} {
			if strings.Contains(text, s) {
				t.Errorf("%s: error reveals %q: %s", name, s, text)
			}
		}
		if !strings.Contains(text, "[redacted]") {
			t.Errorf("%s: error %q lost the rest of the server's message", name, text)
		}
	}
}
