package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shipsync/shipsync/config"
)

// helpUsage is the usage line of the help command.
const helpUsage = "usage: shipsync help [env]"

// cmdHelp prints the usage, or with "env" every environment variable: as
// text for a person, else as JSON lines (the usage as one object, one object
// per variable). Any other topic is a usage error.
func cmdHelp(args []string, stdout, stderr io.Writer, person bool) int {
	switch {
	case len(args) == 0 && person:
		fmt.Fprintln(stdout, usageText())
		return exitOK
	case len(args) == 0:
		return writeJSONLine(stdout, stderr, map[string]string{"usage": usageText()})
	case len(args) == 1 && args[0] == "env" && !person:
		for _, v := range config.Variables() {
			if code := writeJSONLine(stdout, stderr, envJSON(v)); code != exitOK {
				return code
			}
		}
		return exitOK
	case len(args) == 1 && args[0] == "env":
		if err := writeEnvHelp(stdout); err != nil {
			fmt.Fprintf(stderr, "shipsync: help env: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	fmt.Fprintf(stderr, "shipsync: unknown help topic %q\n%s\n", strings.Join(args, " "), helpUsage)
	return exitUsage
}

// writeEnvHelp lists every variable of config.Variables: its name, default,
// whether it is secret and what it is for. It never shows a value from the
// environment.
func writeEnvHelp(w io.Writer) error {
	fmt.Fprint(w, `shipsync is configured by these environment variables (DESIGN.md §4). A variable
that is unset or empty takes its default. One that says "or NAME_FILE" may instead be
given as NAME_FILE, the path of a file holding the value (one trailing newline is
trimmed). A malformed variable stops the start with one line per problem, naming it.

`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tSECRET\tMEANING")
	for _, v := range config.Variables() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, envDefault(v), yesNo(v.Secret), envMeaning(v))
	}
	return tw.Flush()
}

// envJSON is v as `help env` lists it in JSON.
func envJSON(v config.Variable) map[string]any {
	return map[string]any{"variable": v.Name, "default": v.Default, "required": v.Required,
		"secret": v.Secret, "file": v.File, "meaning": v.Help}
}

// writeJSONLine writes v as one JSON line on w.
func writeJSONLine(w, stderr io.Writer, v any) int {
	b, err := json.Marshal(v)
	if err == nil {
		_, err = fmt.Fprintln(w, string(b))
	}
	if err != nil {
		fmt.Fprintf(stderr, "shipsync: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// envDefault is what the listing shows as v's default.
func envDefault(v config.Variable) string {
	switch {
	case v.Required:
		return "(required)"
	case v.Default == "":
		return "-"
	}
	return v.Default
}

// envMeaning is v's help text, with its NAME_FILE form.
func envMeaning(v config.Variable) string {
	if v.File {
		return v.Help + "; or " + v.Name + "_FILE"
	}
	return v.Help
}

// yesNo is "yes" or "no".
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
