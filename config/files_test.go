package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/mapping"
)

// Every file-backed variable is read from NAME_FILE with exactly one trailing
// newline trimmed.
func TestLoadFromFiles(t *testing.T) {
	environ := map[string]string{
		"REDIS_URL_FILE":               writeFile(t, "redis", redisURL+"\n"),
		"SHIPSTATION_API_KEY_FILE":     writeFile(t, "key", ssKey+"\r\n"),
		"SHIPSTATION_API_SECRET_FILE":  writeFile(t, "secret", ssSecret),
		"SHIPSTATION_PARTNER_KEY_FILE": writeFile(t, "partner", ssPartner+"\n\n"),
		"QUIPT_CONSUMER_KEY_FILE":      writeFile(t, "ck", "file-consumer-key\n"),
		"QUIPT_CONSUMER_SECRET_FILE":   writeFile(t, "cs", quiptConSecret+"\n"),
		"QUIPT_TOKEN_FILE":             " " + writeFile(t, "tok", "file-token\n") + " ",
		"QUIPT_TOKEN_SECRET_FILE":      writeFile(t, "ts", quiptTokSecret+" \n"),
	}
	cfg, err := Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"REDIS_URL":               cfg.RedisURL.Reveal(),
		"SHIPSTATION_API_KEY":     cfg.ShipStationAPIKey.Reveal(),
		"SHIPSTATION_API_SECRET":  cfg.ShipStationAPISecret.Reveal(),
		"SHIPSTATION_PARTNER_KEY": cfg.ShipStationPartnerKey.Reveal(),
		"QUIPT_CONSUMER_KEY":      cfg.QuiptConsumerKey,
		"QUIPT_CONSUMER_SECRET":   cfg.QuiptConsumerSecret.Reveal(),
		"QUIPT_TOKEN":             cfg.QuiptToken,
		"QUIPT_TOKEN_SECRET":      cfg.QuiptTokenSecret.Reveal(),
	}
	want := map[string]string{
		"REDIS_URL":               redisURL,
		"SHIPSTATION_API_KEY":     ssKey,
		"SHIPSTATION_API_SECRET":  ssSecret,
		"SHIPSTATION_PARTNER_KEY": ssPartner + "\n", // only one newline is trimmed
		"QUIPT_CONSUMER_KEY":      "file-consumer-key",
		"QUIPT_CONSUMER_SECRET":   quiptConSecret,
		"QUIPT_TOKEN":             "file-token",
		"QUIPT_TOKEN_SECRET":      quiptTokSecret + " ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values read from files (-want +got):\n%s", diff)
	}
}

func TestLoadFileProblems(t *testing.T) {
	dir := t.TempDir()
	big := writeFile(t, "big", strings.Repeat(ssSecret, 64<<10/len(ssSecret)+1))
	empty := writeFile(t, "empty", "\n")
	tests := []problemCase{
		{
			name: "both set",
			env:  map[string]string{"SHIPSTATION_API_SECRET_FILE": writeFile(t, "s", ssSecret)},
			want: []string{"SHIPSTATION_API_SECRET: set either SHIPSTATION_API_SECRET or SHIPSTATION_API_SECRET_FILE, not both"},
		},
		{
			name: "missing file",
			env:  map[string]string{"SHIPSTATION_API_KEY": "", "SHIPSTATION_API_KEY_FILE": filepath.Join(dir, "absent")},
			want: []string{"SHIPSTATION_API_KEY_FILE: cannot read file: open " + filepath.Join(dir, "absent") + ": no such file or directory"},
		},
		{
			name: "directory",
			env:  map[string]string{"REDIS_URL": "", "REDIS_URL_FILE": dir},
			want: []string{"REDIS_URL_FILE: cannot read file: read " + dir + ": is a directory"},
		},
		{
			name: "empty file",
			env:  map[string]string{"QUIPT_CONSUMER_KEY": "", "QUIPT_CONSUMER_KEY_FILE": empty},
			want: []string{"QUIPT_CONSUMER_KEY_FILE: file " + empty + " is empty"},
		},
		{
			name: "file too large",
			env:  map[string]string{"QUIPT_TOKEN_SECRET": "", "QUIPT_TOKEN_SECRET_FILE": big},
			want: []string{"QUIPT_TOKEN_SECRET_FILE: file " + big + " is larger than 65536 bytes"},
		},
		{
			name: "redis URL from file is validated without showing it",
			env:  map[string]string{"REDIS_URL": "", "REDIS_URL_FILE": writeFile(t, "r", "http://:"+redisPassword+"@h\n")},
			want: []string{"REDIS_URL: must start with redis:// or rediss:// (value not shown)"},
		},
	}
	runProblemCases(t, tests)
}

func TestLoadShippingMappingsFile(t *testing.T) {
	path := writeFile(t, "mappings.json", `[
		{"method": "Next Day Air", "carrier": "ups", "service": "ups_next_day_air",
		 "billToParty": "third_party", "billToAccount": "A1B2C3", "billToPostalCode": "10001", "billToCountryCode": "US"}
	]`)
	cfg, err := Load(required(map[string]string{"SHIPPING_MAPPINGS_FILE": path}))
	if err != nil {
		t.Fatal(err)
	}
	want := []mapping.Mapping{{
		Method: "Next Day Air", Carrier: mapping.UPS, Service: "ups_next_day_air",
		BillToParty: "third_party", BillToAccount: "A1B2C3", BillToPostalCode: "10001", BillToCountryCode: "US",
	}}
	if diff := cmp.Diff(want, cfg.ShippingMappings); diff != "" {
		t.Errorf("ShippingMappings (-want +got):\n%s", diff)
	}
}

func TestLoadShippingMappingsProblems(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.json")
	tests := []problemCase{
		{
			name: "both set",
			env:  map[string]string{"SHIPPING_MAPPINGS": "Ground=fedex:fedex_ground", "SHIPPING_MAPPINGS_FILE": writeFile(t, "m.json", "[]")},
			want: []string{"SHIPPING_MAPPINGS: set either SHIPPING_MAPPINGS or SHIPPING_MAPPINGS_FILE, not both"},
		},
		{
			name: "missing file",
			env:  map[string]string{"SHIPPING_MAPPINGS_FILE": missing},
			want: []string{"SHIPPING_MAPPINGS_FILE: cannot read file: open " + missing + ": no such file or directory"},
		},
		{
			name: "not JSON",
			env:  map[string]string{"SHIPPING_MAPPINGS_FILE": writeFile(t, "m.json", "Ground=fedex:fedex_ground")},
			want: []string{"SHIPPING_MAPPINGS_FILE: want a JSON array of mapping objects: invalid character 'G' looking for beginning of value"},
		},
		{
			name: "one line per bad entry",
			env: map[string]string{"SHIPPING_MAPPINGS_FILE": writeFile(t, "m.json",
				`[{"method":"A","carrier":"ups"},{"method":"B","carrier":"ups","service":"ups_ground","billToParty":"me"}]`)},
			want: []string{
				`SHIPPING_MAPPINGS_FILE: entry 1 ("A"): service is required`,
				`SHIPPING_MAPPINGS_FILE: entry 2 ("B"): unknown billToParty "me" (want my_account, my_other_account, recipient or third_party)`,
			},
		},
	}
	runProblemCases(t, tests)
}
