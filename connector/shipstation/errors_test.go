package shipstation

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func noRedact(s string) string { return s }

func TestNewAPIErrorDecodesLeniently(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes of two-byte characters
	tests := []struct {
		name    string
		status  int
		body    string
		message string
	}{
		{"message", 404, `{"message":"The requested order was not found."}`, "The requested order was not found."},
		{"ASP.NET with exception", 500,
			`{"Message":"An error has occurred.","ExceptionMessage":"Object reference not set to an instance of an object.","ExceptionType":"System.NullReferenceException","StackTrace":"   at ..."}`,
			"An error has occurred.: Object reference not set to an instance of an object."},
		{"ASP.NET message only", 400, `{"Message":"The request is invalid."}`, "The request is invalid."},
		{"plain text 401", 401, "401 Unauthorized", "401 Unauthorized"},
		{"HTML 401", 401, "<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized</h1></body></html>",
			"<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized</h1></body></html>"},
		{"JSON without a message", 500, `{"error":"boom"}`, `{"error":"boom"}`},
		{"empty body", 503, "", "Service Unavailable"},
		{"long text is truncated on a character boundary", 502, long, long[:maxErrorText] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newAPIError(tt.status, "/orders", []byte(tt.body), noRedact)
			if got.Message != tt.message {
				t.Errorf("Message = %q, want %q", got.Message, tt.message)
			}
			if got.StatusCode != tt.status || got.Endpoint != "/orders" {
				t.Errorf("StatusCode, Endpoint = %d, %q", got.StatusCode, got.Endpoint)
			}
			if len(got.Body) > maxErrorText+len("…") || !utf8.ValidString(got.Body) {
				t.Errorf("Body is %d bytes or not UTF-8", len(got.Body))
			}
			if !strings.Contains(got.Error(), fmt.Sprint(tt.status)) || !strings.Contains(got.Error(), "/orders") {
				t.Errorf("Error() = %q lacks status or endpoint", got.Error())
			}
		})
	}
}

func TestNewAPIErrorRedactsBeforeTruncating(t *testing.T) {
	secret := "abcdefghij"
	body := strings.Repeat("x", maxErrorText-5) + secret
	got := newAPIError(400, "/orders", []byte(body), strings.NewReplacer(secret, "[redacted]").Replace)
	if strings.Contains(got.Body, "abcde") || strings.Contains(got.Message, "abcde") {
		t.Errorf("a truncated secret survived: %q", got.Body[len(got.Body)-20:])
	}
}

func TestIsPermanent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 400}, true},
		{&APIError{StatusCode: 401}, false}, // the credentials, not the request
		{&APIError{StatusCode: 403}, false},
		{&APIError{StatusCode: 404}, true},
		{fmt.Errorf("wrapped: %w", &APIError{StatusCode: 422}), true},
		{&APIError{StatusCode: 408}, false},
		{&APIError{StatusCode: 429}, false},
		{&APIError{StatusCode: 500}, false},
		{&RateLimitError{}, false},
		{fmt.Errorf("x: %w", ErrNotApplied), true},
		{ErrBreakerOpen, false},
		{fmt.Errorf("plain"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := IsPermanent(tt.err); got != tt.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
