package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// testEnv is a valid configuration pointing at w's sandboxes and Redis. Its ShipStation
// budget is high: a test runs several commands on one key, whose preflights
// and runs would otherwise wait for the spread budget's next burst (the
// pacing has its own tests, in state and connector/shipstation).
func testEnv(w *jobstest.World) map[string]string {
	return with(w.Environ(),
		"SHIPSTATION_RATE_LIMIT", "1000",
		"ASSIGN_USER_ID", sst.DefaultUserID,
		"SHIPPING_MAPPINGS", "Ground=fedex:fedex_ground",
		"PREFERRED_CARRIER", "ups",
		"CHANNEL_STORES", "Web Store=88231,Amazon=88232",
		"WAREHOUSES", "AUS1=301456",
		"DEFAULT_SERVICE", "ups_ground",
		"HTTP_ADDR", "127.0.0.1:0",
		"LOG_FORMAT", "json",
		"LOG_LEVEL", "debug",
	)
}

func with(env map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// addE2EOrder adds an awaiting-shipment order created an hour ago.
func addE2EOrder(w *jobstest.World, number, method string) sst.Order {
	return w.SS.AddOrder(sst.Order{
		OrderNumber: number, OrderDate: time.Now().Add(-time.Hour), CreateDate: time.Now().Add(-time.Hour),
		BillTo:                   &sst.Address{Name: "Dana"},
		ShipTo:                   &sst.Address{Name: "Dana", Street1: new("1 Main St"), City: new("Austin"), State: new("TX"), PostalCode: new("78701"), Country: new("US")},
		Items:                    []sst.OrderItem{{SKU: "SKU-1", Name: "Thing", Quantity: 1, UnitPrice: 10}},
		RequestedShippingService: new(method),
	})
}

// secrets are the values that must never be printed, in any encoding.
func secretForms() []string {
	var out []string
	for _, s := range []string{jobstest.SSSecret, jobstest.SSKey, jobstest.ConsumerSecret, jobstest.TokenSecret} {
		out = append(out, s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s)))
	}
	out = append(out, base64.StdEncoding.EncodeToString([]byte(jobstest.SSKey+":"+jobstest.SSSecret)))
	return out
}

func assertNoSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, s := range secretForms() {
			if strings.Contains(out, s) {
				t.Fatalf("output contains a secret (%q)", s)
			}
		}
	}
}

// assertJSONLines checks that every line is a JSON object with a level, and
// (assertStrictJSONLines) without a repeated key, with a millisecond UTC
// time and durations named with their unit.
func assertJSONLines(t *testing.T, name, out string) {
	t.Helper()
	assertStrictJSONLines(t, name, out, true)
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		n++
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%s line %d is not JSON: %q", name, n, line)
		}
		if _, ok := m["level"]; !ok {
			t.Fatalf("%s line %d has no level: %q", name, n, line)
		}
	}
}

func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr jobstest.LogBuffer // the daemon logs from many goroutines
	code := run(context.Background(), args, &stdout, &stderr, env)
	return code, stdout.String(), stderr.String()
}

func TestBadConfigurationNamesEveryVariable(t *testing.T) {
	env := map[string]string{
		"SHIPSTATION_API_SECRET": jobstest.SSSecret,
		"QUIPT_CONSUMER_SECRET":  jobstest.ConsumerSecret,
		"GET_ORDERS_DAYS":        "seven",
		"GET_ORDERS_SCHEDULE":    "every five minutes",
		"CANCEL_MODE":            "maybe",
		"LOG_FORMAT":             "json",
	}
	code, stdout, stderr := runCmd(t, env, "run")
	if code == 0 {
		t.Fatal("a bad configuration started")
	}
	if stdout != "" {
		t.Errorf("nothing may be logged before the configuration is valid, got %q", stdout)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, v := range []string{"REDIS_URL", "SHIPSTATION_API_KEY", "QUIPT_CONSUMER_KEY", "QUIPT_TOKEN", "QUIPT_TOKEN_SECRET", "GET_ORDERS_DAYS", "GET_ORDERS_SCHEDULE", "CANCEL_MODE"} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, v+":") || strings.HasPrefix(l, v+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no line names %s:\n%s", v, stderr)
		}
	}
	assertNoSecrets(t, stderr)
}

func TestOnceGetOrdersEndToEndInJSON(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	for _, method := range []string{"Ground", "Anything"} {
		addE2EOrder(w, "E2E-"+method, method)
	}
	env := testEnv(w)
	code, stdout, stderr := runCmd(t, env, "once", "get-orders")
	if code != 0 {
		t.Fatalf("once get-orders exited %d\n%s%s", code, stdout, stderr)
	}
	assertJSONLines(t, "stdout", stdout)
	assertJSONLines(t, "stderr", stderr)
	assertNoSecrets(t, stdout, stderr)
	pos := w.Q.PurchaseOrders()
	if len(pos) != 2 {
		t.Fatalf("Quipt holds %d purchase orders, want 2", len(pos))
	}
	for _, po := range pos {
		want := map[string]string{"Ground": "FDX", "Anything": "UPS"}[po.Shipping.RequestedMethod]
		if po.Shipping.CarrierCode == nil || *po.Shipping.CarrierCode != want {
			t.Errorf("%s: carrier %v, want %s", po.OrderNumber, po.Shipping.CarrierCode, want)
		}
	}
	if !strings.Contains(stdout, `"event":"run_summary"`) {
		t.Error("no run summary line")
	}

	// The second run does nothing.
	writes := len(w.Q.Writes())
	code, stdout, _ = runCmd(t, env, "once", "get-orders")
	if code != 0 || len(w.Q.Writes()) != writes || len(w.SS.AssignUserCalls()) != 1 {
		t.Fatalf("second run: exit %d, %d new Quipt writes, %d assignuser calls in all\n%s", code, len(w.Q.Writes())-writes, len(w.SS.AssignUserCalls()), stdout)
	}
}

func TestCheckReportsWhatDoesNotResolve(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := testEnv(w)
	code, stdout, _ := runCmd(t, env, "check")
	if code != 0 {
		t.Fatalf("check of a good configuration exited %d\n%s", code, stdout)
	}
	for _, want := range []string{`"name":"shipstation","status":"enabled"`, `"name":"quipt","status":"enabled"`, `"section":"carrier"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %s", want)
		}
	}

	bad := with(env, "ASSIGN_USER_ID", "00000000-0000-0000-0000-000000000000", "PREFERRED_CARRIER", "dhl", "DEFAULT_SERVICE", "dhl_nope", "GET_ORDERS_TAG_ID", "999")
	code, stdout, stderr := runCmd(t, bad, "check")
	if code == 0 {
		t.Fatalf("check passed with an unknown user, tag and service\n%s", stdout)
	}
	for _, want := range []string{"ASSIGN_USER_ID=00000000-0000-0000-0000-000000000000", "GET_ORDERS_TAG_ID=999", "dhl_nope"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output does not name %s as invalid", want)
		}
	}
	assertJSONLines(t, "stdout", stdout)
	assertNoSecrets(t, stdout, stderr)

	// once refuses a job whose configuration does not resolve.
	if code, _, _ := runCmd(t, bad, "once", "get-orders"); code == 0 {
		t.Error("once get-orders ran although its configuration does not resolve")
	}

	wrong := with(env, "SHIPSTATION_API_SECRET", "not-the-secret")
	code, stdout, _ = runCmd(t, wrong, "check")
	if code == 0 || !strings.Contains(stdout, `"name":"shipstation","status":"invalid"`) {
		t.Errorf("check with a wrong secret: exit %d\n%s", code, stdout)
	}
}

func TestDeadLettersCommand(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	w.SS.AddOrder(sst.Order{
		OrderNumber: "DL-1", OrderDate: time.Now(), CreateDate: time.Now().Add(-time.Hour),
		BillTo: &sst.Address{Name: "Dana"}, ShipTo: &sst.Address{Name: "Dana"}, // no street: dead letter
		Items: []sst.OrderItem{{SKU: "SKU-1", Name: "Thing", Quantity: 1, UnitPrice: 10}}, RequestedShippingService: new("Ground"),
	})
	env := testEnv(w)
	if code, out, errOut := runCmd(t, env, "once", "get-orders"); code != 0 {
		t.Fatalf("once exited %d: %s%s", code, out, errOut)
	}
	code, stdout, _ := runCmd(t, env, "deadletters", "list")
	if code != 0 || !strings.Contains(stdout, `"reason":"incomplete shipTo address"`) || !strings.Contains(stdout, `"items":1`) {
		t.Fatalf("deadletters list: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runCmd(t, env, "deadletters", "retry"); code == 0 {
		t.Error("retry without a filter was accepted")
	}
	// drop and retry need --id or --all: --job alone refuses, changes nothing.
	for _, args := range [][]string{
		{"drop", "--job", "get-orders"}, {"retry", "--job", "get-orders"}, {"drop"},
		{"drop", "--all", "--id", "1"}, {"list", "--job", "nope"}, {"drop", "--job", "nope", "--all"},
		{"list", "extra"}, {"list", "--foo"},
	} {
		code, _, errOut := runCmd(t, env, append([]string{"deadletters"}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, "usage") && !strings.Contains(errOut, "unknown job") {
			t.Errorf("deadletters %v: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
	code, stdout, _ = runCmd(t, env, "deadletters", "list")
	if code != 0 || !strings.Contains(stdout, `"items":1`) {
		t.Fatalf("a refused drop lost the dead letter: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, env, "deadletters", "drop", "--job", "get-orders", "--all")
	if code != 0 || !strings.Contains(stdout, `"items":1`) {
		t.Fatalf("deadletters drop: exit %d\n%s", code, stdout)
	}
	_, stdout, _ = runCmd(t, env, "deadletters", "list")
	if !strings.Contains(stdout, `"items":0`) {
		t.Errorf("a dropped dead letter is still listed:\n%s", stdout)
	}
	var id string
	for _, o := range w.SS.Orders() {
		id = fmt.Sprint(o.OrderID)
	}
	if parked, _ := w.Store.Parked(context.Background(), "get-orders", []string{id}); !parked[id] {
		t.Fatal("a dropped item is not skipped any more")
	}
	code, stdout, _ = runCmd(t, env, "deadletters", "retry", "--job", "get-orders", "--id", id)
	if code != 0 || !strings.Contains(stdout, `"items":1`) {
		t.Fatalf("retry of a dropped item: exit %d\n%s", code, stdout)
	}
	if parked, _ := w.Store.Parked(context.Background(), "get-orders", []string{id}); parked[id] {
		t.Error("retry did not lift the drop")
	}
}

func TestServeAnswersOpsEndpointsAndStopsOnSignal(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := with(testEnv(w), "GET_ORDERS_SCHEDULE", "@every 1s")
	var stdout, stderr jobstest.LogBuffer
	app, _, ok := setup(&stdout, &stderr, env, daemon.Options{})
	if !ok {
		t.Fatalf("setup failed: %s", stderr.String())
	}
	defer app.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if err := app.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	addr := app.Addr()
	done := make(chan error, 1)
	go func() { done <- untilSignal(ctx, app) }()

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	// Wait for a scheduled run, then check it shows in /metrics.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get("/metrics")
		if strings.Contains(body, `shipsync_runs_total{job="get-orders",outcome="success"}`) {
			if !strings.Contains(body, `shipsync_api_requests_total{endpoint="/orders",status="200",upstream="shipstation"}`) {
				t.Error("/metrics lacks the ShipStation request counter")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no successful scheduled run within 10 s:\n%s", stdout.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	assertJSONLines(t, "stdout", stdout.String())
	assertNoSecrets(t, stdout.String(), stderr.String())
}

func TestDemoRunsEveryJobInJSON(t *testing.T) {
	code, stdout, stderr := runCmd(t, map[string]string{"LOG_FORMAT": "json"}, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d\n%s%s", code, stdout, stderr)
	}
	assertJSONLines(t, "stdout", stdout)
	assertJSONLines(t, "stderr", stderr)
	if !strings.Contains(stdout, `"event":"demo_done"`) {
		t.Error("demo did not finish")
	}
	// It ends with a reconcile that repairs the divergence the demo made,
	// then one that finds none.
	for _, want := range []string{"1 found (missing_import ", "1 repaired, 0 left", "reconcile: 0 found (), 0 repaired, 0 left"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the demo's reconcile report lacks %q", want)
		}
	}
}

func TestVersionAndUsage(t *testing.T) {
	if code, out, _ := runCmd(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "shipsync ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, nil, "frobnicate"); code != exitUsage || !strings.Contains(errOut, "usage") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

// TestEveryLineIsJSONEvenWhenRedisIsDown runs shipsync as a real process with
// an unreachable Redis, so that libraries writing to the process's own stderr
// (go-redis reports failed dials there by default) are caught too.
func TestEveryLineIsJSONEvenWhenRedisIsDown(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	c := newCrasher(t, w)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := ln.Addr().String()
	ln.Close()
	cmd := c.command("get-orders")
	cmd.Env = append(cmd.Env, "REDIS_URL=redis://"+deadAddr+"/0", "LEASE_TTL=1s")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("once get-orders succeeded without Redis")
	}
	assertJSONLines(t, "stdout", stdout.String())
	assertJSONLines(t, "stderr", stderr.String())
	if !strings.Contains(stdout.String(), `"component":"redis"`) {
		t.Errorf("the Redis failure was not logged:\n%s", stdout.String())
	}
	assertNoSecrets(t, stdout.String(), stderr.String())
}

// TestOnceWaitsForALeaseLeftByAKilledRun: a run killed while holding the
// job's lease leaves it in Redis until LEASE_TTL; the next `once` waits for it
// instead of failing.
func TestOnceWaitsForALeaseLeftByAKilledRun(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	addE2EOrder(w, "LEASE-1", "Ground")
	if _, err := w.Store.AcquireLease(context.Background(), "get-orders", "a-run-that-died", time.Second); err != nil {
		t.Fatal(err)
	}
	if w.Redis.Mini != nil {
		go func() { // miniredis expires keys only when told
			time.Sleep(time.Second)
			w.Redis.Mini.FastForward(time.Second)
		}()
	}
	start := time.Now()
	code, stdout, stderr := runCmd(t, with(testEnv(w), "LEASE_TTL", "1s"), "once", "get-orders")
	if code != 0 {
		t.Fatalf("once exited %d while a dead run's lease was pending\n%s%s", code, stdout, stderr)
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Errorf("once ran at once although the lease was held")
	}
	if len(w.Q.PurchaseOrders()) != 1 {
		t.Errorf("the run after the wait imported %d orders, want 1", len(w.Q.PurchaseOrders()))
	}
}
