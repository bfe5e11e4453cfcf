package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every Config field is one variable, named once, with a help text; the
// secrets are exactly the Secret fields and have no default.
func TestVariables(t *testing.T) {
	vars := Variables()
	if n := reflect.TypeFor[Config]().NumField(); len(vars) != n {
		t.Errorf("%d variables for %d Config fields", len(vars), n)
	}
	seen := map[string]bool{}
	var secrets, files []string
	for _, v := range vars {
		if seen[v.Name] {
			t.Errorf("%s declared twice", v.Name)
		}
		seen[v.Name] = true
		if strings.TrimSpace(v.Help) == "" {
			t.Errorf("%s has no help text", v.Name)
		}
		if v.Secret {
			secrets = append(secrets, v.Name)
			if v.Default != "" {
				t.Errorf("secret %s has a default", v.Name)
			}
		}
		if v.File {
			files = append(files, v.Name)
		}
	}
	wantSecrets := []string{"REDIS_URL", "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "SHIPSTATION_PARTNER_KEY", "QUIPT_CONSUMER_SECRET", "QUIPT_TOKEN_SECRET"}
	if !slices.Equal(secrets, wantSecrets) {
		t.Errorf("secrets = %v, want %v", secrets, wantSecrets)
	}
	wantFiles := []string{"REDIS_URL", "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "SHIPSTATION_PARTNER_KEY", "QUIPT_CONSUMER_KEY", "QUIPT_CONSUMER_SECRET", "QUIPT_TOKEN", "QUIPT_TOKEN_SECRET"}
	if !slices.Equal(files, wantFiles) {
		t.Errorf("NAME_FILE variables = %v, want %v", files, wantFiles)
	}
}

// Every declared variable is in the startup summary under its name in lower
// case; every secret shows as "[redacted]" (REDIS_URL as its location only).
func TestSummaryShowsEveryVariable(t *testing.T) {
	cfg, err := Load(required(map[string]string{"SHIPSTATION_PARTNER_KEY": ssPartner}))
	if err != nil {
		t.Fatal(err)
	}
	summary := summaryOf(t, cfg)
	for _, v := range Variables() {
		got, ok := summary[strings.ToLower(v.Name)]
		switch {
		case !ok:
			t.Errorf("summary lacks %s: %v", v.Name, summary)
		case v.Name == "REDIS_URL":
			if got != "redis://redis.internal:6380/2" {
				t.Errorf("summary shows REDIS_URL as %v, want its location only", got)
			}
		case v.Secret && got != redacted:
			t.Errorf("summary shows secret %s as %v, want %s", v.Name, got, redacted)
		}
	}
	if len(summary) != len(Variables()) {
		t.Errorf("summary has %d entries for %d variables", len(summary), len(Variables()))
	}
}
