package main

import (
	"strings"
	"testing"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, out, errOut := runCmd(t, nil, args...)
		if code != exitOK || errOut != "" || !strings.Contains(out, "usage: shipsync") || !strings.Contains(out, "help [env]") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want the usage on stdout", args, code, out, errOut)
		}
	}
}

func TestHelpUnknownTopic(t *testing.T) {
	for _, args := range [][]string{{"help", "jobs"}, {"help", "env", "extra"}, {"help", "ENV"}} {
		code, out, errOut := runCmd(t, nil, args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "unknown help topic") || !strings.Contains(errOut, "usage: shipsync help [env]") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want a usage error", args, code, out, errOut)
		}
	}
}

// Every declared variable has its line in help env, with its default (or
// "(required)"), whether it is secret, its help text and its NAME_FILE form;
// no value from the environment is shown, least of all a secret.
func TestHelpEnvListsEveryVariable(t *testing.T) {
	env := map[string]string{
		"SHIPSTATION_API_KEY":    jobstest.SSKey,
		"SHIPSTATION_API_SECRET": jobstest.SSSecret,
		"QUIPT_CONSUMER_SECRET":  jobstest.ConsumerSecret,
		"QUIPT_TOKEN_SECRET":     jobstest.TokenSecret,
	}
	code, out, errOut := runCmd(t, env, "help", "env")
	if code != exitOK || errOut != "" {
		t.Fatalf("help env: exit %d, stderr %q", code, errOut)
	}
	assertNoSecrets(t, out)
	lines := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if name, _, ok := strings.Cut(line, " "); ok {
			lines[name] = line
		}
	}
	vars := config.Variables()
	if len(vars) < 38 {
		t.Fatalf("config.Variables() has %d variables, want every one of DESIGN.md §4", len(vars))
	}
	for _, v := range vars {
		line, ok := lines[v.Name]
		if !ok {
			t.Errorf("help env has no line for %s:\n%s", v.Name, out)
			continue
		}
		fields := strings.Fields(line)
		want := []string{v.Default, v.Help}
		if v.Required {
			want[0] = "(required)"
		}
		if v.File {
			want = append(want, "or "+v.Name+"_FILE")
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("help env line of %s lacks %q: %q", v.Name, w, line)
			}
		}
		secret := "no"
		if v.Secret {
			secret = "yes"
		}
		if !strings.Contains(strings.Join(fields, " "), " "+secret+" ") {
			t.Errorf("help env line of %s does not say secret %s: %q", v.Name, secret, line)
		}
	}
}
