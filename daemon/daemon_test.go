package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// newApp builds the App for a valid configuration against w, with extra
// variables kv, and closes it when the test ends.
func newApp(t *testing.T, w *jobstest.World, logs *jobstest.LogBuffer, kv ...string) *App {
	t.Helper()
	return newAppWith(t, w, logs, Options{Retry: &jobstest.FastRetry}, kv...)
}

// newAppWith is newApp with opts.
func newAppWith(t *testing.T, w *jobstest.World, logs *jobstest.LogBuffer, opts Options, kv ...string) *App {
	t.Helper()
	env := w.Environ()
	for k, v := range map[string]string{
		"ASSIGN_USER_ID":    sst.DefaultUserID,
		"SHIPPING_MAPPINGS": "Ground=fedex:fedex_ground",
		"PREFERRED_CARRIER": "ups",
		"DEFAULT_SERVICE":   "ups_ground",
		"CHANNEL_STORES":    "Web Store=88231",
		"HTTP_ADDR":         "127.0.0.1:0",
		"SHUTDOWN_GRACE":    "5s",
	} {
		env[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	app, err := New(cfg, zerolog.New(logs), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

func TestJobNamesFollowTheJobList(t *testing.T) {
	want := []string{jobs.NameGetOrders, jobs.NamePushOrders, jobs.NameSyncTracking, jobs.NameSyncCancels, jobs.NameLinkListings, reconcile.Name}
	if got := JobNames(); !slices.Equal(got, want) {
		t.Errorf("JobNames() = %v, want %v", got, want)
	}
}

// TestStartStop: the life cycle in order, with a scheduled job disabled by
// the preflight left out of readiness and registered off.
func TestStartStop(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var logs jobstest.LogBuffer
	app := newApp(t, w, &logs, "WAREHOUSES", "AUS1=7") // no such warehouse: push-orders off
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("Start: %v\n%s", err, logs.String())
	}
	if _, _, err := net.SplitHostPort(app.Addr()); err != nil {
		t.Errorf("Addr() = %q: %v", app.Addr(), err)
	}
	select {
	case <-app.Stopped():
		t.Fatal("stopped before Stop")
	default:
	}
	if err := app.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	<-app.Stopped()
	if err := app.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	out := logs.String()
	for _, want := range []string{"shipsync starting", `"job":"push-orders"`, "job disabled", "shipsync running", "shutting down", "shipsync stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

// TestStartWaitsForRedis: a daemon started while its Redis is away takes
// no work and asks nothing of the upstreams; /readyz says why; once Redis
// answers the start goes on by itself. With Redis still away when ctx ends,
// Start gives up with why.
func TestStartWaitsForRedis(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	redisURL, err := url.Parse(w.Redis.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := redistest.NewProxy(t, redisURL.Host)
	proxy.Cut()
	redisURL.Host = proxy.Addr()
	var logs jobstest.LogBuffer
	app := newApp(t, w, &logs, "REDIS_URL", redisURL.String())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	started := make(chan error, 1)
	go func() { started <- app.Start(ctx) }()

	waitForLog(ctx, t, &logs, "waiting for redis")
	if code, body := probe(app.Addr(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis unreachable") {
		t.Errorf("/readyz while Redis is away = %d %q, want 503 redis unreachable", code, body)
	}
	if n := w.SS.Count("GET", "/carriers"); n != 0 {
		t.Errorf("the preflight ran without Redis (%d carrier lists)", n)
	}
	w.SS.SetLatency(time.Second) // the preflight is still running when /readyz is asked below
	proxy.Restore()
	waitForLog(ctx, t, &logs, "redis answers")
	if code, body := probe(app.Addr(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "preflight running") {
		t.Errorf("/readyz once Redis answers, during the preflight = %d %q, want 503 preflight running", code, body)
	}
	w.SS.SetLatency(0)
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("Start once Redis answers: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Start did not go on once Redis answered")
	}
	if n := w.SS.Count("GET", "/carriers"); n == 0 {
		t.Error("the preflight did not run once Redis answered")
	}
	if err := app.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}

	gone := newApp(t, w, &logs, "REDIS_URL", redisURL.String())
	proxy.Cut()
	short, cancelShort := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancelShort()
	if err := gone.Start(short); err == nil || !strings.Contains(err.Error(), "redis unreachable") {
		t.Fatalf("Start with Redis away until ctx ends = %v, want redis unreachable", err)
	}
	if err := gone.Stop(ctx); err != nil {
		t.Errorf("Stop after a failed Start: %v", err)
	}
}

// TestUSPSCodeSurvivesAnUnreachablePreflight: the USPS carrier code found by
// one preflight is used when a later one cannot list the carriers, so pushed
// orders do not change carrier code (and content) with ShipStation's moods.
func TestUSPSCodeSurvivesAnUnreachablePreflight(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var logs jobstest.LogBuffer
	app := newApp(t, w, &logs)
	ctx := context.Background()
	if got := app.rememberUSPSCode(ctx, ""); got != "" {
		t.Fatalf("code before any preflight = %q, want none", got)
	}
	if got := app.rememberUSPSCode(ctx, "usps"); got != "usps" {
		t.Fatalf("code = %q, want usps", got)
	}
	if got := app.rememberUSPSCode(ctx, ""); got != "usps" {
		t.Errorf("code after an unreachable preflight = %q, want the recorded usps", got)
	}
}

// TestStartEndsAtOnceWhenRedisRefuses: a Redis that answers with a refusal
// (no password given, a wrong one) will not change its mind: the start ends
// at once naming REDIS_URL instead of waiting. (The server here is an
// embedded one, for its password; the refusal is what is under test.)
func TestStartEndsAtOnceWhenRedisRefuses(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	guarded := miniredis.RunT(t)
	guarded.RequireAuth("the-right-one")
	for name, url := range map[string]string{
		"no password":    "redis://" + guarded.Addr() + "/0",
		"wrong password": "redis://:the-wrong-one@" + guarded.Addr() + "/0",
	} {
		t.Run(name, func(t *testing.T) {
			var logs jobstest.LogBuffer
			app := newApp(t, w, &logs, "REDIS_URL", url)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := app.Start(ctx)
			if err == nil || !strings.Contains(err.Error(), "check REDIS_URL") || ctx.Err() != nil {
				t.Fatalf("Start against a Redis that refuses = %v (ctx %v), want it to end at once naming REDIS_URL", err, ctx.Err())
			}
			if strings.Contains(err.Error(), "the-wrong-one") || strings.Contains(logs.String(), "the-wrong-one") {
				t.Errorf("the password is in the error or the logs: %v\n%s", err, logs.String())
			}
			if err := app.Stop(ctx); err != nil {
				t.Errorf("Stop after a failed Start: %v", err)
			}
		})
	}
}

// waitForLog waits until logs hold text, failing t when ctx ends first.
func waitForLog(ctx context.Context, t *testing.T, logs *jobstest.LogBuffer, text string) {
	t.Helper()
	for !strings.Contains(logs.String(), text) {
		if ctx.Err() != nil {
			t.Fatalf("no log line says %q", text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// replyError is an error reply of a Redis server, as go-redis returns it.
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

// TestRedisMisconfiguredTellsRefusalsFromWaits: the answers that waiting
// does not change end the start; the others are waited out.
func TestRedisMisconfiguredTellsRefusalsFromWaits(t *testing.T) {
	for reply, refused := range map[string]bool{
		"NOAUTH Authentication required.":          true,
		"WRONGPASS invalid username-password pair": true,
		"NOPERM this user has no permissions":      true,
		"ERR DB index is out of range":             true,
		"ERR invalid password":                     true,
		"ERR max number of clients reached":        false,
		"LOADING Redis is loading the dataset":     false,
		"BUSY Redis is busy running a script":      false,
		"MASTERDOWN Link with MASTER is down":      false,
		"CLUSTERDOWN The cluster is down":          false,
	} {
		err := fmt.Errorf("state: ping redis: %w", replyError(reply))
		if got := redisMisconfigured(err); got != refused {
			t.Errorf("redisMisconfigured(%q) = %v, want %v", reply, got, refused)
		}
	}
	if redisMisconfigured(errors.New("dial tcp 127.0.0.1:1: connect: connection refused")) {
		t.Error("a refused connection is taken as a refusal of the server's")
	}
}
