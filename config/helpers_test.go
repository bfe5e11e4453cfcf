package config

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// Distinctive secret values, so a leak is found by searching for them.
const (
	ssKey          = "ssKEY-7f3a9c1e-unique"
	ssSecret       = "ssSECRET-b52e/08d+QZ"
	ssPartner      = "ssPARTNER-91ac77"
	quiptConSecret = "qCONSUMERsecret-4d1f"
	quiptTokSecret = "qTOKENsecret-e0b6 x&y"
	redisPassword  = "rPASS-5c2a%99"
)

// redisURL carries redisPassword, URL-encoded as it must be in a URL.
var redisURL = "redis://worker:" + url.QueryEscape(redisPassword) + "@redis.internal:6380/2"

// secretValues are every value that must never appear in any output.
func secretValues() []string {
	return []string{ssKey, ssSecret, ssPartner, quiptConSecret, quiptTokSecret, redisPassword, redisURL}
}

// required returns the required variables with the distinctive values, plus
// the given overrides.
func required(overrides map[string]string) map[string]string {
	m := map[string]string{
		"REDIS_URL":              redisURL,
		"SHIPSTATION_API_KEY":    ssKey,
		"SHIPSTATION_API_SECRET": ssSecret,
		"QUIPT_CONSUMER_KEY":     "quipt-consumer-key",
		"QUIPT_CONSUMER_SECRET":  quiptConSecret,
		"QUIPT_TOKEN":            "quipt-token",
		"QUIPT_TOKEN_SECRET":     quiptTokSecret,
	}
	for k, v := range overrides {
		m[k] = v
	}
	return m
}

// assertNoSecrets fails if out contains any secret value in plain text,
// base64 (all four alphabets), hex, or URL/path encoding.
func assertNoSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range secretValues() {
		forms := map[string]string{
			"plain":         s,
			"base64":        base64.StdEncoding.EncodeToString([]byte(s)),
			"base64 raw":    base64.RawStdEncoding.EncodeToString([]byte(s)),
			"base64 url":    base64.URLEncoding.EncodeToString([]byte(s)),
			"base64 rawurl": base64.RawURLEncoding.EncodeToString([]byte(s)),
			"hex":           hex.EncodeToString([]byte(s)),
			"HEX":           strings.ToUpper(hex.EncodeToString([]byte(s))),
			"query escape":  url.QueryEscape(s),
			"path escape":   url.PathEscape(s),
		}
		for form, v := range forms {
			if strings.Contains(out, v) {
				t.Errorf("%s contains a secret (%s form %q):\n%s", what, form, v, out)
			}
		}
	}
}

// writeFile writes content to a new file in a test directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// problemLines loads environ, requires a *ValidationError and returns its lines.
func problemLines(t *testing.T, environ map[string]string) []string {
	t.Helper()
	cfg, err := Load(environ)
	if err == nil {
		t.Fatalf("Load succeeded, want problems; config: %+v", cfg)
	}
	if cfg != nil {
		t.Errorf("Load returned a config with its error")
	}
	verr, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("Load error is %T (%v), want *ValidationError", err, err)
	}
	if got := strings.Join(verr.Problems, "\n"); got != err.Error() {
		t.Errorf("Error() = %q, want the problems one per line %q", err.Error(), got)
	}
	assertNoSecrets(t, "Load error", err.Error())
	return verr.Problems
}

// problemCase is an environment (the required variables plus env) and the
// problems Load finds in it.
type problemCase struct {
	name string
	env  map[string]string
	want []string
}

// runProblemCases checks each case as a subtest.
func runProblemCases(t *testing.T, cases []problemCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := problemLines(t, required(tt.env))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// summaryOf logs cfg's startup summary, checks it holds no secret and returns
// its fields.
func summaryOf(t *testing.T, cfg *Config) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	l := zerolog.New(&buf)
	l.Info().Object("config", cfg).Msg("starting")
	assertNoSecrets(t, "summary", buf.String())
	var line struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, buf.String())
	}
	return line.Config
}
