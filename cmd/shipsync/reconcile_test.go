package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/shipsync/shipsync/jobs/jobstest"
)

func TestReconcileCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"--frobnicate"}, {"--days", "400"}, {"--days", "0"}, {"--days", "-1"}, {"--days", "x"}, {"extra"}} {
		code, _, errOut := runCmd(t, nil, append([]string{"reconcile"}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, "usage: shipsync reconcile") {
			t.Errorf("reconcile %v: exit %d, stderr %q; want %d and the usage", args, code, errOut, exitUsage)
		}
	}
}

// In json mode the report is one JSON line among the logs.
func TestReconcileCommandPrintsOneJSONReport(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	o := addE2EOrder(w, "SS-1", "Ground")
	code, stdout, _ := runCmd(t, testEnv(w), "reconcile", "--report-only", "--days", "3")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	var reports []map[string]any
	for line := range strings.Lines(stdout) {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["event"] == "reconcile_report" {
			reports = append(reports, m)
		}
	}
	if len(reports) != 1 {
		t.Fatalf("%d report lines, want 1\n%s", len(reports), stdout)
	}
	rep := reports[0]
	if rep["days"] != 3.0 || rep["report_only"] != true {
		t.Errorf("days %v, report_only %v; want 3 and true", rep["days"], rep["report_only"])
	}
	left, _ := rep["left"].([]any)
	if len(left) != 1 || left[0].(map[string]any)["id"] != strconv.FormatInt(o.OrderID, 10) || left[0].(map[string]any)["kind"] != "missing_import" {
		t.Errorf("left = %v, want order %d as missing_import", left, o.OrderID)
	}
	assertNoSecrets(t, stdout)
}

// At a terminal the report is a table by kind, then the items with their ids.
func TestReconcileCommandPrintsATableAtATerminal(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	o := addE2EOrder(w, "SS-1", "Ground")
	code, stdout, _ := runCmd(t, with(testEnv(w), "LOG_FORMAT", "console"), "reconcile")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	for _, want := range []string{"KIND", "FOUND", "REPAIRED", "LEFT", "missing_import", "repaired:", strconv.FormatInt(o.OrderID, 10)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q\n%s", want, stdout)
		}
	}
	if len(w.Q.PurchaseOrders()) != 1 {
		t.Errorf("the missing import was not repaired: %d purchase orders", len(w.Q.PurchaseOrders()))
	}
}

// For a person the table alone is on stdout, the logs on stderr.
func TestReconcileCommandTableIsAlone(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	addE2EOrder(w, "SS-1", "Ground")
	code, stdout, stderr := runCmd(t, with(testEnv(w), "LOG_FORMAT", "console", "NO_COLOR", "1"), "reconcile", "--report-only")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "reconcile over the last") {
		t.Errorf("stdout does not start with the report:\n%s", stdout)
	}
	for line := range strings.Lines(stdout) {
		if strings.Contains(line, " INF ") || strings.Contains(line, " WRN ") || strings.Contains(line, " DBG ") {
			t.Errorf("a log line on stdout, among the table: %q", line)
		}
	}
	if !strings.Contains(stderr, "divergence found") {
		t.Errorf("the logs are not on stderr:\n%s", stderr)
	}
}
