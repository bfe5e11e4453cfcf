package preflight_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/preflight"
)

func baseEnv(w *jobstest.World) map[string]string {
	env := w.Environ()
	env["CHANNEL_STORES"] = "Web Store=88231"
	env["WAREHOUSES"] = "AUS1=301456"
	env["SHIPPING_MAPPINGS"] = "Ground=fedex:fedex_ground;Priority=usps:usps_priority_mail"
	env["PREFERRED_CARRIER"] = "ups"
	env["DEFAULT_SERVICE"] = "ups_ground"
	return env
}

func check(t *testing.T, w *jobstest.World, env map[string]string, kv ...string) *preflight.Report {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	ss := w.ShipStation
	if cfg.ShipStationAPISecret.Reveal() != jobstest.SSSecret {
		ss, err = shipstation.NewClient(shipstation.WithBaseURL(w.SS.URL()),
			shipstation.WithCredentials(cfg.ShipStationAPIKey.Reveal(), cfg.ShipStationAPISecret.Reveal()),
			shipstation.WithRetryPolicy(jobstest.FastRetry))
		if err != nil {
			t.Fatal(err)
		}
	}
	c := &preflight.Checker{Config: cfg, ShipStation: ss, Quipt: w.Quipt, Jobs: jobsOf(t, cfg)}
	return c.Run(context.Background())
}

// jobsOf is the daemon's list of jobs for cfg, as the preflight sees it.
func jobsOf(t *testing.T, cfg *config.Config) []preflight.Job {
	t.Helper()
	app, err := daemon.New(cfg, zerolog.Nop(), daemon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return daemon.PreflightJobs(app.Jobs)
}

func invalid(r *preflight.Report) []string {
	var out []string
	for _, it := range r.Items {
		if it.Status == preflight.Invalid {
			out = append(out, it.Name+": "+it.Reason)
		}
	}
	return out
}

func TestEverythingResolves(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	r := check(t, w, baseEnv(w), "ASSIGN_USER_ID", strings.ToUpper(sst.DefaultUserID), "GET_ORDERS_TAG_ID", "41822")
	if !r.OK() || len(r.Disabled) != 0 {
		t.Fatalf("invalid %v, disabled %v", invalid(r), r.Disabled)
	}
	if r.USPSCode != "stamps_com" {
		t.Errorf("USPS code = %q, want stamps_com (the account's connected USPS carrier)", r.USPSCode)
	}
	for _, want := range []string{"connection/shipstation", "connection/quipt", "carrier/fedex", "carrier/stamps_com", "carrier/ups"} {
		found := false
		for _, it := range r.Items {
			if it.Section+"/"+it.Name == want && it.Status == preflight.Enabled {
				found = true
			}
		}
		if !found {
			t.Errorf("no enabled item %s", want)
		}
	}
}

func TestUnresolvedSettingsDisableOnlyTheJobsThatUseThem(t *testing.T) {
	tests := []struct {
		name         string
		env          []string
		prepare      func(*sst.Server)
		wantDisabled []string
		wantInvalid  string
	}{
		{name: "carrier not connected", env: []string{"PREFERRED_CARRIER", "dhl", "DEFAULT_SERVICE", "dhl_express_worldwide"},
			prepare: func(s *sst.Server) {
				var cs []sst.Carrier
				for _, c := range sst.DefaultCarriers() {
					if c.Code != "dhl_express_worldwide" {
						cs = append(cs, c)
					}
				}
				s.SetCarriers(cs)
			},
			wantDisabled: []string{"get-orders", "push-orders"}, wantInvalid: "not connected"},
		{name: "service not offered", env: []string{"SHIPPING_MAPPINGS", "Ground=fedex:fedex_teleport"},
			wantDisabled: []string{"get-orders", "push-orders"}, wantInvalid: "fedex_teleport"},
		{name: "unknown store", env: []string{"CHANNEL_STORES", "Web Store=1"}, wantDisabled: []string{"push-orders"}, wantInvalid: "no such active store"},
		{name: "inactive store", env: []string{"SINGLE_STORE_ID", "88232"},
			prepare: func(s *sst.Server) {
				stores := sst.DefaultStores()
				stores[1].Active = false
				s.SetStores(stores)
			},
			wantDisabled: []string{"push-orders"}, wantInvalid: "SINGLE_STORE_ID=88232"},
		{name: "unknown warehouse", env: []string{"WAREHOUSES", "AUS1=7"}, wantDisabled: []string{"push-orders"}, wantInvalid: "no such warehouse"},
		{name: "unknown user", env: []string{"ASSIGN_USER_ID", "00000000-0000-0000-0000-000000000001"}, wantDisabled: []string{"get-orders"}, wantInvalid: "no such active user"},
		{name: "unknown tag", env: []string{"GET_ORDERS_TAG_ID", "5"}, wantDisabled: []string{"get-orders"}, wantInvalid: "no such tag"},
		{name: "users unlistable", env: []string{"ASSIGN_USER_ID", sst.DefaultUserID}, prepare: func(s *sst.Server) { s.FailNext("/users", 1, 404) }},
		{name: "tags unlistable", env: []string{"GET_ORDERS_TAG_ID", "41822"}, prepare: func(s *sst.Server) { s.FailNext("/accounts/listtags", 1, 404) }},
		{name: "stores unlistable", prepare: func(s *sst.Server) { s.FailNext("/stores", 1, 404) }},
		{name: "warehouses unlistable", prepare: func(s *sst.Server) { s.FailNext("/warehouses", 1, 404) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := jobstest.New(t, jobstest.Options{})
			if tt.prepare != nil {
				tt.prepare(w.SS)
			}
			r := check(t, w, baseEnv(w), tt.env...)
			var disabled []string
			for _, j := range []string{"get-orders", "push-orders", "sync-tracking", "sync-cancels", "link-listings"} {
				if _, off := r.Disabled[j]; off {
					disabled = append(disabled, j)
				}
			}
			if strings.Join(disabled, ",") != strings.Join(tt.wantDisabled, ",") {
				t.Errorf("disabled %v, want %v (invalid: %v)", disabled, tt.wantDisabled, invalid(r))
			}
			if tt.wantInvalid == "" {
				if !r.OK() {
					t.Errorf("invalid items %v, want none", invalid(r))
				}
				return
			}
			if !strings.Contains(strings.Join(invalid(r), "\n"), tt.wantInvalid) {
				t.Errorf("invalid items %v, want one mentioning %q", invalid(r), tt.wantInvalid)
			}
		})
	}
}

func TestUSPSCodeFollowsTheAccount(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var cs []sst.Carrier
	for _, c := range sst.DefaultCarriers() {
		if c.Code == "stamps_com" {
			c.Code = "usps"
		}
		cs = append(cs, c)
	}
	w.SS.SetCarriers(cs)
	w.SS.SetServices("usps", sst.DefaultServices()["stamps_com"])
	r := check(t, w, baseEnv(w))
	if r.USPSCode != "usps" || !r.OK() {
		t.Errorf("USPS code %q, invalid %v; want usps and nothing invalid", r.USPSCode, invalid(r))
	}
}

func TestConnections(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	r := check(t, w, baseEnv(w), "SHIPSTATION_API_SECRET", "wrong-secret")
	if !r.Rejected || r.Unreachable || len(r.Disabled) != len(daemon.JobNames()) { // every job
		t.Errorf("wrong secret: rejected=%v unreachable=%v disabled=%v", r.Rejected, r.Unreachable, r.Disabled)
	}
	w.SS.FailNext("/carriers", 6, 503)
	r = check(t, w, baseEnv(w))
	if r.Rejected || !r.Unreachable || len(r.Disabled) != 0 {
		t.Errorf("ShipStation down: rejected=%v unreachable=%v disabled=%v", r.Rejected, r.Unreachable, r.Disabled)
	}
	// A call the upstream lacks is not a credentials problem.
	w.SS.FailNext("/carriers", 1, 404)
	r = check(t, w, baseEnv(w))
	if r.Rejected || len(r.Disabled) != 0 {
		t.Errorf("/carriers 404: rejected=%v disabled=%v", r.Rejected, r.Disabled)
	}
}

func TestUnlistableServicesAreUncheckedNotInvalid(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	w.SS.FailNext("/carriers/listservices", 1, 404)
	r := check(t, w, baseEnv(w))
	if !r.OK() || len(r.Disabled) != 0 {
		t.Errorf("invalid %v, disabled %v; want an unchecked carrier and nothing disabled", invalid(r), r.Disabled)
	}
}

func TestPushOrdersWithoutStoreRoutingIsUnconfiguredNotAFailure(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	env := baseEnv(w)
	delete(env, "CHANNEL_STORES")
	r := check(t, w, env)
	if !r.OK() {
		t.Errorf("invalid %v: an unconfigured job must not fail the check", invalid(r))
	}
	if _, off := r.Disabled["push-orders"]; !off || len(r.Disabled) != 1 {
		t.Errorf("disabled %v, want only push-orders", r.Disabled)
	}
}

// TestOnlyChecksWhatTheJobNeeds: `once get-orders` spends no request on
// stores, warehouses, users or tags it does not use.
func TestOnlyChecksWhatTheJobNeeds(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	cfg, err := config.Load(baseEnv(w))
	if err != nil {
		t.Fatal(err)
	}
	c := &preflight.Checker{Config: cfg, ShipStation: w.ShipStation, Quipt: w.Quipt, Jobs: jobsOf(t, cfg), Only: "get-orders"}
	if r := c.Run(context.Background()); !r.OK() {
		t.Fatalf("invalid %v", invalid(r))
	}
	for _, path := range []string{"/stores", "/warehouses", "/users", "/accounts/listtags"} {
		if n := w.SS.Count("GET", path); n != 0 {
			t.Errorf("GET %s sent %d times for get-orders without a user or tag", path, n)
		}
	}
	if n := w.SS.Count("GET", "/carriers"); n != 1 {
		t.Errorf("GET /carriers sent %d times, want 1", n)
	}
}
