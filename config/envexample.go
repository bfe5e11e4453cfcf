package config

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

//go:generate go test -run TestEnvExampleIsCurrent -update .

// envExampleHeader opens the example environment file.
const envExampleHeader = `# shipsync example environment (DESIGN.md §4). Generated from the declaration of
# each variable (config.Variables); do not edit by hand: ` + "`go generate ./config`" + ` rewrites
# it, and CI fails when it is not current.
#
# Each variable has a line "# NAME: ..." saying whether it is required, its default,
# whether it is secret and whether it may be given as NAME_FILE (the path of a file
# holding the value, one trailing newline trimmed), then its meaning. Required
# variables are uncommented and must be filled in; the others show their default,
# commented out. A variable left unset or empty takes its default. Give secrets
# as NAME_FILE rather than in this file.
`

// WriteEnvExample writes the example environment file: every variable of
// Variables, in declaration order, with its default and what it is for. It
// holds no value from the environment.
func WriteEnvExample(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(envExampleHeader)
	for _, v := range Variables() {
		fmt.Fprintf(bw, "\n# %s: %s\n# %s\n", v.Name, strings.Join(v.traits(), ", "), v.Help)
		if v.Required {
			fmt.Fprintf(bw, "%s=\n", v.Name)
		} else {
			fmt.Fprintf(bw, "#%s=%s\n", v.Name, v.Default)
		}
		if v.File {
			fmt.Fprintf(bw, "#%s_FILE=\n", v.Name)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the example environment: %w", err)
	}
	return nil
}

// traits are the words of v's "# NAME:" line in the example environment:
// required or its default, secret, and its NAME_FILE form.
func (v Variable) traits() []string {
	var t []string
	switch {
	case v.Required:
		t = append(t, "required")
	case v.Default == "":
		t = append(t, "no default")
	default:
		t = append(t, "default "+v.Default)
	}
	if v.Secret {
		t = append(t, "secret")
	}
	if v.File {
		t = append(t, "or "+v.Name+"_FILE")
	}
	return t
}
