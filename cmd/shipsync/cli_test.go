package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// wipeRedis deletes every key of w's deployment, as a Redis that lost its
// state would.
func wipeRedis(t *testing.T, w *jobstest.World) {
	t.Helper()
	if w.Redis.Mini != nil {
		w.Redis.Mini.FlushAll()
		return
	}
	ctx := context.Background()
	for _, pattern := range []string{w.Redis.Prefix + "*", "{" + w.Redis.Prefix + "}*"} {
		iter := w.Redis.Client.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if err := w.Redis.Client.Del(ctx, iter.Val()).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// summaryLine returns the run_summary line of out.
func summaryLine(t *testing.T, out string) map[string]any {
	t.Helper()
	for line := range strings.SplitSeq(out, "\n") {
		if strings.Contains(line, `"event":"run_summary"`) {
			m, err := checkJSONLine(line)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("no run summary in\n%s", out)
	return nil
}

// TestSummaryTellsCreatesFromAlreadyExisted: after Redis lost its records,
// get-orders sends the order again, Quipt answers that it has it, and the
// summary counts it as already in Quipt, not as created.
func TestSummaryTellsCreatesFromAlreadyExisted(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	addE2EOrder(w, "DUP-1", "Ground")
	env := testEnv(w)
	code, stdout, _ := runCmd(t, env, "once", "get-orders")
	if sum := summaryLine(t, stdout); code != 0 || sum["created"] != float64(1) {
		t.Fatalf("first run: exit %d, summary %v", code, sum)
	}
	wipeRedis(t, w)
	code, stdout, _ = runCmd(t, env, "once", "get-orders")
	sum := summaryLine(t, stdout)
	if code != 0 || sum["created"] != float64(0) || sum["already_in_quipt"] != float64(1) {
		t.Errorf("run after the wipe: exit %d, summary %v; want created 0, already_in_quipt 1", code, sum)
	}
	if n := len(w.Q.PurchaseOrders()); n != 1 {
		t.Errorf("Quipt holds %d purchase orders, want 1", n)
	}
}

// TestUsageErrorsForEveryCommand: unknown flags, extra arguments and unknown
// jobs are usage errors (exit 2) that start nothing.
func TestUsageErrorsForEveryCommand(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := testEnv(w)
	for _, args := range [][]string{
		{"run", "--foo"}, {"run", "extra"}, {"once"}, {"once", "nope"}, {"once", "get-orders", "extra"},
		{"check", "--verbose"}, {"demo", "x"}, {"version", "--short"}, {"health", "now"}, {"help", "env", "x"},
		{"deadletters", "list", "--job", "nope"}, {"deadletters", "drop", "--job", "get-orders"},
	} {
		code, stdout, stderr := runCmd(t, env, args...)
		if code != exitUsage || !strings.Contains(stderr, "usage") || strings.Contains(stdout, "shipsync starting") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error, nothing started", args, code, stderr)
		}
	}
}

// TestHealthCommand probes /healthz of a running daemon (exit 0) and of an
// address where nothing listens (exit 1).
func TestHealthCommand(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var stdout, stderr jobstest.LogBuffer
	app, _, ok := setup(&stdout, &stderr, testEnv(w), daemon.Options{})
	if !ok {
		t.Fatal(stderr.String())
	}
	defer app.Close()
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = app.Stop(context.Background()) }()
	if code, out, errOut := runCmd(t, map[string]string{"HTTP_ADDR": app.Addr()}, "health"); code != exitOK {
		t.Errorf("health of a running daemon: exit %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, map[string]string{"HTTP_ADDR": jobstest.FreeAddr(t)}, "health"); code != exitFailed || errOut == "" {
		t.Errorf("health with nothing listening: exit %d %q, want 1 with the reason", code, errOut)
	}
	// With LOG_FORMAT=json each verdict is one JSON object.
	for _, c := range []struct {
		addr   string
		code   int
		stdout bool
	}{{app.Addr(), exitOK, true}, {jobstest.FreeAddr(t), exitFailed, false}} {
		code, out, errOut := runCmd(t, map[string]string{"HTTP_ADDR": c.addr, "LOG_FORMAT": "json"}, "health")
		line := errOut
		if c.stdout {
			line = out
		}
		m, err := checkJSONLine(strings.TrimSpace(line))
		if code != c.code || err != nil || m["event"] != "health" || m["ok"] != (c.code == exitOK) || m["url"] == nil {
			t.Errorf("health of %s in json: exit %d, stdout %q, stderr %q (%v); want exit %d and one health object", c.addr, code, out, errOut, err, c.code)
		}
	}
}

// TestVersionNamesTheBuild: version gives the module version, the revision,
// and the Go version; in json mode as one object.
func TestVersionNamesTheBuild(t *testing.T) {
	_, out, _ := runCmd(t, nil, "version")
	if !strings.HasPrefix(out, "shipsync ") || !strings.Contains(out, "revision ") || !strings.Contains(out, "go1.") {
		t.Errorf("version = %q, want version, revision and Go version", out)
	}
	_, out, _ = runCmd(t, map[string]string{"LOG_FORMAT": "json"}, "version")
	m, err := checkJSONLine(strings.TrimSpace(out))
	if err != nil || m["go_version"] == nil || m["revision"] == nil || m["version"] == nil {
		t.Errorf("version in json = %q (%v)", out, err)
	}
}

// TestInterruptedOnceExitsNonZero: a signal during `once` stops the run after
// the page in hand; the exit is 1 and the log says it checkpointed; the next
// run completes the rest, nothing lost or imported twice.
func TestInterruptedOnceExitsNonZero(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	const orders = 600 // two pages of 500: the signal lands in the first
	for i := range orders {
		addE2EOrder(w, fmt.Sprintf("INT-%03d", i), "Ground")
	}
	env := with(testEnv(w), "SHUTDOWN_GRACE", "30s")
	var stdout, stderr jobstest.LogBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"once", "get-orders"}, &stdout, &stderr, env) }()
	for !strings.Contains(stdout.String(), `"event":"imported"`) {
		select {
		case code := <-done:
			t.Fatalf("once ended (exit %d) before the test could interrupt it", code)
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != exitFailed {
		t.Fatalf("interrupted once exited %d, want 1\n%s", code, stdout.String())
	}
	if !strings.Contains(stdout.String(), `"event":"run_interrupted"`) || !strings.Contains(stdout.String(), "checkpoint") {
		t.Errorf("the interrupted run does not say it checkpointed:\n%s", stdout.String())
	}
	if n := len(w.Q.PurchaseOrders()); n >= orders {
		t.Fatalf("the interrupted run imported %d of %d orders: it did not stop after the page in hand", n, orders)
	}
	if code, out, _ := runCmd(t, env, "once", "get-orders"); code != exitOK {
		t.Fatalf("the next once exited %d\n%s", code, out)
	}
	if n := len(w.Q.PurchaseOrders()); n != orders {
		t.Errorf("Quipt holds %d purchase orders after the next run, want %d", n, orders)
	}
}

// TestDeadLettersSayWhatToChange: a dead letter names the order number, the
// requested method that did not resolve and the variables to change; list
// at a terminal (LOG_FORMAT=console) is a table.
func TestDeadLettersSayWhatToChange(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	addE2EOrder(w, "NDA-1", "Next Day Air")
	env := with(testEnv(w), "PREFERRED_CARRIER", "", "DEFAULT_SERVICE", "")
	if code, out, _ := runCmd(t, env, "once", "get-orders"); code != 0 {
		t.Fatalf("once exited %d\n%s", code, out)
	}
	_, stdout, _ := runCmd(t, env, "deadletters", "list")
	want := `no carrier for requested method \"Next Day Air\": add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER`
	if !strings.Contains(stdout, `"order_number":"NDA-1"`) || !strings.Contains(stdout, want) {
		t.Errorf("deadletters list does not give the order number and what to change:\n%s", stdout)
	}
	_, table, _ := runCmd(t, with(env, "LOG_FORMAT", "console"), "deadletters", "list")
	if !strings.HasPrefix(table, "JOB ") || !strings.Contains(table, "NDA-1") || !strings.Contains(table, "1 dead letters") || strings.Contains(table, "{") {
		t.Errorf("deadletters list for a person is not a table:\n%s", table)
	}
}

// TestCheckForAPerson: with LOG_FORMAT=console check is a table with one
// verdict (no colour off a terminal), consistent with its exit status; an
// unconfigured job is "off" and the verdict does not say "everything
// resolves"; an invalid line fails it.
func TestCheckForAPerson(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := with(testEnv(w), "LOG_FORMAT", "console")
	code, out, _ := runCmd(t, env, "check")
	if code != exitOK || !strings.HasPrefix(out, "SECTION ") || !strings.Contains(out, "check passed") || strings.Contains(out, "\x1b[") {
		t.Errorf("check at a terminal: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "redis") || !strings.Contains(out, "version ") || !strings.Contains(out, "persistence") {
		t.Errorf("check lacks the Redis line:\n%s", out)
	}
	code, out, _ = runCmd(t, with(env, "CHANNEL_STORES", ""), "check")
	if code != exitOK || strings.Contains(out, "everything resolves") || !strings.Contains(out, "push-orders") || strings.Contains(out, " invalid ") {
		t.Errorf("check with push-orders unconfigured: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, with(env, "WAREHOUSES", "AUS1=7", "CHANNEL_STORES", "Web Store=1"), "check")
	if code != exitFailed || !strings.Contains(out, "check failed") || strings.Contains(out, "check passed") {
		t.Errorf("check with an unknown warehouse and store: exit %d\n%s", code, out)
	}
	// Every problem of the job is named on its line, not only the first.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "job ") && strings.Contains(l, "push-orders") && !(strings.Contains(l, "warehouse") && strings.Contains(l, "store")) {
			t.Errorf("push-orders' line does not name both problems: %q", l)
		}
	}
}

// TestCheckInJSONIsOneLinePerItem: in json mode every item is one line with
// a status, and the verdict agrees with the lines and the exit status.
func TestCheckInJSONIsOneLinePerItem(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	code, out, _ := runCmd(t, with(testEnv(w), "CHANNEL_STORES", ""), "check")
	if code != exitOK {
		t.Fatalf("check exited %d\n%s", code, out)
	}
	var verdicts int
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		m, err := checkJSONLine(line)
		if err != nil {
			t.Fatal(err)
		}
		switch m["event"] {
		case "check_result":
			verdicts++
			if m["ok"] != true || strings.Contains(m["message"].(string), "everything resolves") {
				t.Errorf("verdict %v with push-orders off", m)
			}
		case "check":
			if m["status"] == "invalid" || m["level"] == "error" {
				t.Errorf("an invalid line beside a passed check: %s", line)
			}
		}
	}
	if verdicts != 1 || !strings.Contains(out, `"name":"redis"`) {
		t.Errorf("%d verdicts, redis line present: %v\n%s", verdicts, strings.Contains(out, `"name":"redis"`), out)
	}
}

// TestCheckWithRedisDown: an unreachable Redis is one invalid Redis line and
// a failed verdict, not a ShipStation error about the rate budget.
func TestCheckWithRedisDown(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := with(testEnv(w), "REDIS_URL", "redis://"+jobstest.FreeAddr(t)+"/0")
	code, stdout, stderr := runCmd(t, env, "check")
	if code != exitFailed || !strings.Contains(stdout, `"name":"redis","status":"invalid"`) || strings.Contains(stdout, `"name":"shipstation"`) {
		t.Errorf("check with Redis down: exit %d\n%s%s", code, stdout, stderr)
	}
	assertJSONLines(t, "stdout", stdout)
}

// TestDemoWithABadLogSettingIsAUsageError: demo reads only LOG_FORMAT and
// LOG_LEVEL; a bad value is a configuration error (exit 2) naming it, as for
// every other command, and nothing starts.
func TestDemoWithABadLogSettingIsAUsageError(t *testing.T) {
	for _, kv := range [][2]string{{"LOG_FORMAT", "xml"}, {"LOG_LEVEL", "loud"}} {
		code, stdout, stderr := runCmd(t, map[string]string{kv[0]: kv[1]}, "demo")
		if code != exitUsage || !strings.Contains(stderr, kv[0]) || strings.Contains(stdout, "shipsync starting") {
			t.Errorf("demo with %s=%s: exit %d, stderr %q; want 2 naming %s, nothing started", kv[0], kv[1], code, stderr, kv[0])
		}
	}
}
