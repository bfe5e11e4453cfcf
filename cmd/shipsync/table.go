package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/preflight"
	"github.com/shipsync/shipsync/state"
)

// ANSI colours of the check table's status column.
const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiReset  = "\x1b[0m"
)

// writeCheckTable writes the result of check as a table for a person, the
// status coloured when colour is set, then the verdict.
func writeCheckTable(w io.Writer, res *daemon.CheckResult, colour bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SECTION\tNAME\tSTATUS\tDETAIL")
	for _, l := range res.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Section, l.Name, paint(padStatus(l.Status), statusColour(l.Status), colour), oneLine(l.Reason))
	}
	_ = tw.Flush()
	c := ansiGreen
	if !res.OK {
		c = ansiRed
	}
	fmt.Fprintln(w, paint(res.Verdict, c, colour))
}

// statusWidth is the width of the longest status, so that colour codes
// (which tabwriter counts as text) do not shift the columns.
const statusWidth = len(preflight.Unconfigured)

// padStatus pads s to statusWidth.
func padStatus(s string) string { return fmt.Sprintf("%-*s", statusWidth, s) }

// statusColour is the colour of a status.
func statusColour(status string) string {
	switch status {
	case preflight.Enabled, preflight.Listed:
		return ansiGreen
	case preflight.Invalid:
		return ansiRed
	}
	return ansiYellow
}

// paint wraps s in colour c when colour is set.
func paint(s, c string, colour bool) string {
	if !colour {
		return s
	}
	return c + s + ansiReset
}

// oneLine keeps a reason on one table row.
func oneLine(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Join(strings.Fields(s), " ")
}

// writeDeadLetterTable lists dead letters for a person: job, item, order
// number, attempts, when it last failed, and the reason (which says what to
// change), then their number.
func writeDeadLetterTable(w io.Writer, items []state.DeadLetter) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tITEM\tORDER\tATTEMPTS\tLAST FAILED (UTC)\tREASON")
	for _, d := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.Job, d.ID, oneLine(daemon.OrderNumber(d)), d.Attempts,
			d.At.UTC().Format(time.DateTime), oneLine(d.Reason))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%d dead letters\n", len(items))
}
