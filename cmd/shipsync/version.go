package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
)

// buildVersion is what this binary knows of its build: the module version
// (or the one set with -ldflags "-X main.version=..."), the VCS revision and
// its commit time, whether the tree was modified, and the Go version.
type buildVersion struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	Time      string `json:"revision_time,omitempty"`
	Modified  bool   `json:"modified"`
	GoVersion string `json:"go_version"`
}

// readBuildVersion reads the build information the Go toolchain embedded;
// fields it cannot tell stay "unknown".
func readBuildVersion() (v buildVersion) {
	v = buildVersion{Version: version, Revision: "unknown", GoVersion: "unknown"}
	defer func() { // a revision set with -ldflags wins
		if revision != "" {
			v.Revision = revision
		}
	}()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.GoVersion = info.GoVersion
	if v.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// cmdVersion is `shipsync version`: one line for a person, or one JSON
// object when asJSON.
func cmdVersion(stdout io.Writer, asJSON bool) int {
	v := readBuildVersion()
	if asJSON {
		b, _ := json.Marshal(v) // a struct of strings and a bool always marshals
		fmt.Fprintln(stdout, string(b))
		return exitOK
	}
	rev := "revision " + v.Revision
	if v.Time != "" {
		rev += " of " + v.Time
	}
	if v.Modified {
		rev += " (modified)"
	}
	fmt.Fprintf(stdout, "shipsync %s, %s, %s\n", v.Version, rev, v.GoVersion)
	return exitOK
}
