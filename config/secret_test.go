package config

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestSecretRevealAndCompare(t *testing.T) {
	s := NewSecret(ssKey)
	if got := s.Reveal(); got != ssKey {
		t.Errorf("Reveal() = %q, want %q", got, ssKey)
	}
	if s.IsZero() || !(Secret{}).IsZero() || !NewSecret("").IsZero() {
		t.Errorf("IsZero wrong: set %v, zero %v", s.IsZero(), (Secret{}).IsZero())
	}
	if !s.Equal(NewSecret(ssKey)) || s.Equal(NewSecret(ssSecret)) || s.Equal(Secret{}) {
		t.Error("Equal does not compare the values")
	}
}

func TestSecretPrintsRedacted(t *testing.T) {
	s := NewSecret(ssKey)
	outputs := map[string]string{
		"String":   s.String(),
		"GoString": s.GoString(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-20q", "%#x", "% x"} {
		outputs["Sprintf "+verb] = fmt.Sprintf(verb, s)
		outputs["Sprintf pointer "+verb] = fmt.Sprintf(verb, &s)
	}
	outputs["Sprint"] = fmt.Sprint(s)
	outputs["Sprintln"] = strings.TrimSuffix(fmt.Sprintln(s), "\n")
	for name, out := range outputs {
		if out != redacted {
			t.Errorf("%s = %q, want %q", name, out, redacted)
		}
	}

	j, err := json.Marshal(s)
	if err != nil || string(j) != `"[redacted]"` {
		t.Errorf("json.Marshal = %s, %v; want \"[redacted]\"", j, err)
	}
	txt, err := s.MarshalText()
	if err != nil || string(txt) != redacted {
		t.Errorf("MarshalText = %s, %v; want [redacted]", txt, err)
	}
	type doc struct{ S Secret }
	x, err := xml.Marshal(doc{s})
	if err != nil || !strings.Contains(string(x), "<S>[redacted]</S>") {
		t.Errorf("xml.Marshal = %s, %v; want the text form", x, err)
	}
	m, err := json.Marshal(map[string]any{"s": s, "p": &s})
	if err != nil || string(m) != `{"p":"[redacted]","s":"[redacted]"}` {
		t.Errorf("json.Marshal(map) = %s, %v", m, err)
	}
}

func TestSecretInLoggers(t *testing.T) {
	s := NewSecret(ssKey)
	var zbuf bytes.Buffer
	zl := zerolog.New(&zbuf)
	zl.Info().Interface("i", s).Any("a", s).Stringer("st", s).Fields(map[string]any{"f": s}).Msg("")
	want := `{"level":"info","i":"[redacted]","a":"[redacted]","st":"[redacted]","f":"[redacted]"}` + "\n"
	if zbuf.String() != want {
		t.Errorf("zerolog wrote %s, want %s", zbuf.String(), want)
	}

	var sbuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&sbuf, nil)).Info("x", "s", s, "p", &s)
	if !strings.Contains(sbuf.String(), `"s":"[redacted]"`) || !strings.Contains(sbuf.String(), `"p":"[redacted]"`) {
		t.Errorf("slog wrote %s", sbuf.String())
	}
	assertNoSecrets(t, "logs", zbuf.String()+sbuf.String())
}

// Every printing path of a whole Config, with every secret set, is free of
// the secrets in any encoding.
func TestConfigPrintsNoSecrets(t *testing.T) {
	cfg, err := Load(required(map[string]string{"SHIPSTATION_PARTNER_KEY": ssPartner}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ShipStationPartnerKey.Reveal() != ssPartner || cfg.RedisURL.Reveal() != redisURL {
		t.Fatal("Load did not keep the secrets' values")
	}
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outputs["Sprintf "+verb] = fmt.Sprintf(verb, cfg)
		outputs["Sprintf value "+verb] = fmt.Sprintf(verb, *cfg)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	ji, err := json.MarshalIndent(*cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	outputs["json indent"] = string(ji)

	var zbuf bytes.Buffer
	zl := zerolog.New(&zbuf)
	zl.Info().Interface("cfg", cfg).Interface("cfgv", *cfg).Object("obj", cfg).Any("any", cfg).Msg("")
	outputs["zerolog"] = zbuf.String()

	var sbuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&sbuf, nil)).Info("x", "cfg", cfg)
	slog.New(slog.NewTextHandler(&sbuf, nil)).Info("x", "cfg", *cfg)
	outputs["slog"] = sbuf.String()

	for name, out := range outputs {
		assertNoSecrets(t, name, out)
		if !strings.Contains(out, "redacted") {
			t.Errorf("%s shows no redacted secret, so the test proves nothing:\n%s", name, out)
		}
	}
}
