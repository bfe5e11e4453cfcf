// Package deploy checks the deployment kit beside it: the Kubernetes
// manifests decoded strictly into the Kubernetes API types, the compose file,
// the Dockerfile, the alert rules and the Grafana dashboard, each against the
// variable declarations (shipsync.env.example, kept current by a test of
// package config) and the metrics the product exports. It is a module of its
// own so the product module carries no k8s.io dependency.
package deploy

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// variable is one variable of shipsync.env.example.
type variable struct {
	Name     string
	Required bool
	Secret   bool
	File     bool // may be given as NAME_FILE
}

// traitLine is the "# NAME: traits" line config.WriteEnvExample writes.
var traitLine = regexp.MustCompile(`^# ([A-Z][A-Z0-9_]*): (.+)$`)

// variables reads the declarations from shipsync.env.example.
func variables(t *testing.T) map[string]variable {
	t.Helper()
	data, err := os.ReadFile("shipsync.env.example")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]variable{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		m := traitLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		traits := strings.Split(m[2], ", ")
		has := func(s string) bool {
			for _, t := range traits {
				if t == s {
					return true
				}
			}
			return false
		}
		vars[m[1]] = variable{Name: m[1], Required: has("required"), Secret: has("secret"), File: has("or " + m[1] + "_FILE")}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// The secrets of DESIGN.md §4 must be among them, or the file is not
	// what config.WriteEnvExample writes.
	for _, name := range []string{"REDIS_URL", "SHIPSTATION_API_KEY", "SHIPSTATION_API_SECRET", "QUIPT_CONSUMER_SECRET", "QUIPT_TOKEN_SECRET"} {
		if v := vars[name]; !v.Secret || !v.File {
			t.Fatalf("shipsync.env.example does not declare %s as a secret with a NAME_FILE form: %+v", name, v)
		}
	}
	return vars
}

// declared reports whether name is a variable or the NAME_FILE form of one.
func declared(vars map[string]variable, name string) bool {
	if _, ok := vars[name]; ok {
		return true
	}
	base, ok := strings.CutSuffix(name, "_FILE")
	return ok && vars[base].File
}

// readStrict decodes the YAML (or JSON) file at path into v; a field v does
// not declare is an error.
func readStrict(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checkRedisCommand fails unless cmd runs redis-server with an append-only
// file fsynced every second in /data, never evicting keys.
func checkRedisCommand(t *testing.T, what string, cmd []string) {
	t.Helper()
	line := strings.Join(cmd, " ")
	for _, want := range []string{"redis-server", "--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction", "--dir /data"} {
		if !strings.Contains(line, want) {
			t.Errorf("%s runs %q, want %q", what, line, want)
		}
	}
}
