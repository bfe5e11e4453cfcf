package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites the golden files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite deploy/shipsync.env.example from config.Variables")

// envExamplePath is the checked-in example environment file.
var envExamplePath = filepath.Join("..", "deploy", "shipsync.env.example")

// The checked-in example environment is what WriteEnvExample generates from
// today's declarations: a variable added, removed or changed without
// `go generate ./config` fails here.
func TestEnvExampleIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEnvExample(&buf); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(envExamplePath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(envExamplePath)
	if err != nil {
		t.Fatalf("read %s: %v (run `go generate ./config`)", envExamplePath, err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("%s is not current; run `go generate ./config` (or go test ./config -run TestEnvExampleIsCurrent -update)", envExamplePath)
	}
}

// Every variable has its "# NAME:" line with its traits and help, and a
// NAME= line: uncommented when required, else commented with its default;
// every NAME_FILE form is offered.
func TestEnvExampleDeclaresEveryVariable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEnvExample(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, v := range Variables() {
		want := []string{"\n# " + v.Name + ": ", "\n# " + v.Help + "\n"}
		switch {
		case v.Required:
			want = append(want, ": required", "\n"+v.Name+"=\n")
		default:
			want = append(want, "\n#"+v.Name+"="+v.Default+"\n")
		}
		if v.Secret {
			want = append(want, v.Name+": "+strings.Join(v.traits(), ", ")+"\n", ", secret")
		}
		if v.File {
			want = append(want, "or "+v.Name+"_FILE", "\n#"+v.Name+"_FILE=\n")
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("example environment lacks %q for %s", w, v.Name)
			}
		}
	}
}

// A secret never gets a value in the example, not even a default.
func TestEnvExampleHasNoSecretValue(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEnvExample(&buf); err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables() {
		if !v.Secret {
			continue
		}
		for _, line := range strings.Split(buf.String(), "\n") {
			name, value, ok := strings.Cut(strings.TrimPrefix(line, "#"), "=")
			if ok && (name == v.Name || name == v.Name+"_FILE") && value != "" {
				t.Errorf("secret %s has a value in the example: %q", v.Name, line)
			}
		}
	}
}
