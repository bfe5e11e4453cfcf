package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

const reconcileUsage = "usage: shipsync reconcile [--days N] [--report-only]"

// cmdReconcile is `shipsync reconcile [--days N] [--report-only]`: one
// reconcile now, its report for a person as a table (forPerson, as check's),
// the logs then on stderr, or else as one JSON line among the logs; exit 0
// when it completed, whatever drift it found.
func cmdReconcile(ctx context.Context, args []string, stdout, stderr io.Writer, env map[string]string) int {
	opts, ok := parseReconcile(args, stderr)
	if !ok {
		return exitUsage
	}
	app, _, ok := setup(logOutput(stdout, stderr, env), stderr, env, daemon.Options{})
	if !ok {
		return exitUsage
	}
	defer app.Close()
	rep, err := app.Reconcile(ctx, opts)
	if err != nil || rep == nil {
		return exitFailed
	}
	if forPerson(stdout, env) {
		printReport(stdout, rep)
		return exitOK
	}
	line, err := json.Marshal(struct {
		Event string `json:"event"`
		*reconcile.Report
	}{"reconcile_report", rep})
	if err != nil {
		fmt.Fprintln(stderr, "shipsync reconcile: encode the report:", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, string(line))
	return exitOK
}

// parseReconcile reads the flags; on a usage error it says so on stderr and
// reports false.
func parseReconcile(args []string, stderr io.Writer) (daemon.ReconcileOptions, bool) {
	var o daemon.ReconcileOptions
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Days, "days", 0, "window in days (default RECONCILE_DAYS)")
	fs.BoolVar(&o.ReportOnly, "report-only", false, "report the divergences, repair nothing")
	err := fs.Parse(args)
	daysSet := false
	fs.Visit(func(f *flag.Flag) { daysSet = daysSet || f.Name == "days" })
	if err != nil || fs.NArg() > 0 || (daysSet && o.Days < 1) || o.Days > 365 {
		fmt.Fprintln(stderr, reconcileUsage)
		return o, false
	}
	return o, true
}

// printReport writes the report as a table: per kind what was found,
// repaired and left, then the items left, repaired and parked with their ids.
func printReport(w io.Writer, rep *reconcile.Report) {
	mode := "repair"
	if rep.ReportOnly {
		mode = "report only"
	}
	fmt.Fprintf(w, "reconcile over the last %d days (%s): %d found, %d repaired, %d left, %d parked\n\n",
		rep.Days, mode, len(rep.Found.Drift()), len(rep.Repaired), len(rep.Left), len(rep.Parked))
	repaired := map[string]int{}
	for _, it := range rep.Repaired {
		repaired[it.Kind]++
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tFOUND\tREPAIRED\tLEFT\t")
	for _, k := range reconcile.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", k, rep.FoundByKind[k], repaired[k], rep.LeftByKind[k])
	}
	_ = tw.Flush()
	printItems(w, "left", rep.Left)
	printItems(w, "repaired", rep.Repaired)
	printItems(w, "parked (not drift)", rep.Parked)
	for _, e := range rep.RepairErrors {
		fmt.Fprintln(w, "repair error:", e)
	}
}

// printItems lists items under a heading, one line each with its ids.
func printItems(w io.Writer, heading string, items reconcile.Items) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", heading)
	for _, it := range items {
		refs := make([]string, 0, len(it.Refs))
		for _, k := range slices.Sorted(maps.Keys(it.Refs)) {
			refs = append(refs, k+"="+it.Refs[k])
		}
		parked := ""
		if it.Parked != "" {
			parked = " [" + it.Parked + "]"
		}
		fmt.Fprintf(w, "  %-16s %-14s %s %s%s\n", it.Kind, it.Job, it.ID, strings.Join(refs, " "), parked)
	}
}
