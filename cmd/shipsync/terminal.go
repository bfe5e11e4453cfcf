package main

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// isTerminal reports whether w is a terminal (a person reads it).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// colourful reports whether output to w may use colour: only on a terminal,
// and never when NO_COLOR is set to anything (https://no-color.org).
func colourful(w io.Writer, env map[string]string) bool {
	return isTerminal(w) && env["NO_COLOR"] == ""
}

// forPerson reports whether a command's output to w is for a person (tables,
// plain text) rather than JSON lines: when LOG_FORMAT=console, or when
// LOG_FORMAT is unset and w is a terminal. LOG_FORMAT=json always gives JSON.
func forPerson(w io.Writer, env map[string]string) bool {
	switch env["LOG_FORMAT"] {
	case "console":
		return true
	case "":
		return isTerminal(w)
	}
	return false
}

// jsonAsked reports whether LOG_FORMAT=json is set: then even the commands
// written for people (help, version) answer in JSON lines.
func jsonAsked(env map[string]string) bool { return env["LOG_FORMAT"] == "json" }

// logOutput is where the logs of a command that prints a table for a person
// go: stderr then, so the table on stdout stays clean; else stdout.
func logOutput(stdout, stderr io.Writer, env map[string]string) io.Writer {
	if forPerson(stdout, env) {
		return stderr
	}
	return stdout
}
