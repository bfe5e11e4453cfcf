package shipstation

import (
	"encoding/base64"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"
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
// ASP.NET writes / as \/, any writer may escape any letter), percent-encoded
// in either case, as HTML entities, in a body that is JSON or not. None of it
// may reach an error, raw or decoded: what the redactor cannot mask in place
// it withholds.
func TestEscapedSecretsNeverInErrors(t *testing.T) {
	const key, secret = "key/with+chars", "p/ss+w&rd<1>"
	c, mux, _ := setup(t, WithCredentials(key, secret))
	bodies := []string{
		`{"message":"bad secret ` + strings.NewReplacer("&", `\u0026`, "<", `\u003c`, ">", `\u003e`).Replace(secret) + ` for key ` + key + `"}`,
		`{"Message":"bad secret p\/ss+w&rd<1> or p\u002fss\u002bw\u0026rd\u003c1\u003e"}`,
		"bad form secret=" + url.QueryEscape(secret) + "&key=" + url.QueryEscape(key) + " path " + url.PathEscape(secret),
		"bad secret p%2fss%2bw%26rd%3c1%3e",
		"<html><body>bad secret p/ss+w&amp;rd&lt;1&gt;</body></html>",
		`{"Message":"bad p\/ss+w&rd<1>"} and more`,
		`error: "p\u002fss+w\u0026rd<1>"`,
	}
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.PathValue("id"))
		w.WriteHeader(400)
		_, _ = w.Write([]byte(bodies[i]))
	})
	for i, body := range bodies {
		_, err := c.Orders.Get(t.Context(), int64(i))
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("body %d: %v, want an APIError", i, err)
		}
		text := err.Error() + apiErr.Body + apiErr.Message
		for _, form := range []string{text, html.UnescapeString(text), unescapePercent(text), unescapeJSON(text)} {
			for _, s := range []string{secret, key} {
				if strings.Contains(form, s) {
					t.Errorf("body %q: error reveals %q: %s", body, s, text)
				}
			}
		}
		if !strings.Contains(text, "[redacted]") && !strings.Contains(text, withheld) {
			t.Errorf("body %q: error %q neither masks nor withholds", body, text)
		}
	}
	if got := c.redact("no credential here: 100% sure &amp; done"); got != "no credential here: 100% sure &amp; done" {
		t.Errorf("redact changed a text without credentials: %q", got)
	}
}
