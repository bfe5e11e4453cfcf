// Package preflight is `shipsync check` and the check every `run` starts with
// (DESIGN.md §2): it verifies both credentials, lists what the ShipStation
// account has (carrier accounts, stores, warehouses, users, tags) and says for
// every configured ID, carrier, service and mapping whether it resolves. A job
// whose configuration does not resolve is reported as disabled.
package preflight

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/mapping"
)

// Statuses of a report item.
const (
	// Enabled means the connection, carrier or configured value resolves.
	Enabled = "enabled"
	// Invalid means it does not; Reason says why.
	Invalid = "invalid"
	// Listed marks something the account has that the configuration does not name.
	Listed = "listed"
	// Unchecked means a list could not be read (not a credentials problem), so
	// the values that depend on it could not be verified; no job is disabled
	// for it, and the report stays OK.
	Unchecked = "unchecked"
	// Unconfigured marks a job left without the settings it needs (push-orders
	// without store routing): it does not run, and the report stays OK.
	Unconfigured = "unconfigured"
)

// Item is one line of the report.
type Item struct {
	// Section groups items: connection, carrier, store, warehouse, user, tag, mapping, job.
	Section string
	Name    string
	Status  string
	Reason  string
}

// Report is the outcome of a check.
type Report struct {
	Items []Item
	// Disabled maps a job name to why it cannot run.
	Disabled map[string]string
	// USPSCode is the ShipStation carrier code USPS labels use on this account
	// (stamps_com or usps), "" when neither is connected.
	USPSCode string
	// Rejected is set when an upstream refused the credentials: the
	// configuration is wrong and no job can run.
	Rejected bool
	// Unreachable is set when an upstream could not be asked (network, 5xx,
	// breaker): nothing is known about the configuration, so nothing is disabled.
	Unreachable bool
}

// OK reports whether nothing is invalid.
func (r *Report) OK() bool {
	return !slices.ContainsFunc(r.Items, func(it Item) bool { return it.Status == Invalid })
}

func (r *Report) add(section, name, status, reason string) {
	r.Items = append(r.Items, Item{Section: section, Name: name, Status: status, Reason: reason})
}

// rejected reports whether err is an upstream refusing the credentials (401
// or 403), as opposed to an upstream that could not answer or lacks a call.
func rejected(err error) bool {
	var ssErr *shipstation.APIError
	var qErr *quipt.APIError
	switch {
	case errors.As(err, &ssErr):
		return ssErr.StatusCode == http.StatusUnauthorized || ssErr.StatusCode == http.StatusForbidden
	case errors.As(err, &qErr):
		return qErr.StatusCode == http.StatusUnauthorized || qErr.StatusCode == http.StatusForbidden
	}
	return false
}

// connectionFailed records a failed first call to an upstream: rejected
// credentials disable every job; any other failure only says so, since
// nothing is known about the configuration then.
func (r *Report) connectionFailed(upstream string, err error, rejected bool, allJobs []string) {
	if rejected {
		r.Rejected = true
		r.add("connection", upstream, Invalid, err.Error())
		r.disable(upstream+" connection invalid", allJobs...)
		return
	}
	r.Unreachable = true
	r.add("connection", upstream, Invalid, "unreachable: "+err.Error())
}

func (r *Report) disable(reason string, jobs ...string) {
	for _, j := range jobs {
		switch prev, done := r.Disabled[j]; {
		case !done:
			r.Disabled[j] = reason
		case !slices.Contains(strings.Split(prev, "; "), reason):
			r.Disabled[j] = prev + "; " + reason // every problem of the job, not only the first
		}
	}
}

// Need is a set of things a job needs the preflight to resolve, beyond both
// connections.
type Need uint8

// The needs a job can declare.
const (
	// Carriers: the carriers and services of SHIPPING_MAPPINGS and of
	// PREFERRED_CARRIER/DEFAULT_SERVICE (their services are listed).
	Carriers Need = 1 << iota
	// Stores: SINGLE_STORE_ID and CHANNEL_STORES, and that one of them is set
	// when the job is scheduled (orders must be routed to a store).
	Stores
	// Warehouses: WAREHOUSES.
	Warehouses
	// Users: ASSIGN_USER_ID, when set.
	Users
	// Tags: GET_ORDERS_TAG_ID, when set.
	Tags
)

// Job is a job as the preflight sees it: what it needs, and whether it is
// scheduled or only run by hand.
type Job struct {
	Name      string
	Needs     Need
	Scheduled bool
}

// Checker runs the preflight against both upstreams.
type Checker struct {
	Config      *config.Config
	ShipStation *shipstation.Client
	Quipt       *quipt.Client
	// Jobs are every job; a problem disables the jobs that need what it concerns.
	Jobs []Job
	// Only, when set, limits the check to what the job of that name needs
	// (for `shipsync once JOB`), sparing the request budget: both connections
	// and the carriers always; the rest as the job's needs say, users and
	// tags only when configured.
	Only string
}

// needs reports whether the check serves a job that needs n.
func (c *Checker) needs(n Need) bool {
	return slices.ContainsFunc(c.Jobs, func(j Job) bool {
		return (c.Only == "" || j.Name == c.Only) && j.Needs&n != 0
	})
}

// jobsNeeding names the jobs that need n and, with scheduledOnly, are scheduled.
func (c *Checker) jobsNeeding(n Need, scheduledOnly bool) []string {
	var names []string
	for _, j := range c.Jobs {
		if j.Needs&n == n && (j.Scheduled || !scheduledOnly) {
			names = append(names, j.Name)
		}
	}
	return names
}

// allJobs names every job.
func (c *Checker) allJobs() []string {
	names := make([]string, len(c.Jobs))
	for i, j := range c.Jobs {
		names[i] = j.Name
	}
	return names
}

// Run performs every check and returns the report; it never stops at the
// first problem.
func (c *Checker) Run(ctx context.Context) *Report {
	r := &Report{Disabled: map[string]string{}}

	if err := c.Quipt.Ping(ctx); err != nil {
		r.connectionFailed("quipt", err, rejected(err), c.allJobs())
	} else {
		r.add("connection", "quipt", Enabled, "")
	}

	carriers, err := c.ShipStation.Carriers.List(ctx)
	if err != nil {
		r.connectionFailed("shipstation", err, rejected(err), c.allJobs())
		return r
	}
	r.add("connection", "shipstation", Enabled, "")
	c.checkCarriers(ctx, r, carriers)
	if c.needs(Stores) {
		c.checkStores(ctx, r)
	}
	if c.needs(Warehouses) {
		c.checkWarehouses(ctx, r)
	}
	if c.Only == "" || c.needs(Users) && c.Config.AssignUserID != "" {
		c.checkUsers(ctx, r)
	}
	if c.Only == "" || c.needs(Tags) && c.Config.GetOrdersTagID != 0 {
		c.checkTags(ctx, r)
	}
	return r
}

// checkCarriers lists the account's carrier accounts and resolves every
// carrier and service the configuration uses.
func (c *Checker) checkCarriers(ctx context.Context, r *Report, carriers []shipstation.Carrier) {
	connected := listCarriers(r, carriers)
	order, wanted := c.wantedServices(r.USPSCode)
	for _, code := range order {
		switch {
		case !connected[code]:
			reason := fmt.Sprintf("carrier %s is not connected to the ShipStation account", code)
			r.add("carrier", code, Invalid, reason)
			for _, u := range wanted[code] {
				r.add("mapping", u.origin, Invalid, reason)
			}
			r.disable(reason, c.jobsNeeding(Carriers, false)...)
		case !c.needs(Carriers):
			r.add("carrier", code, Enabled, "")
		default:
			c.checkServices(ctx, r, code, wanted[code])
		}
	}
}

// listCarriers reports the account's carrier accounts, sets the report's
// USPS carrier code, and returns the codes connected.
func listCarriers(r *Report, carriers []shipstation.Carrier) map[string]bool {
	connected := map[string]bool{}
	for _, ca := range carriers {
		connected[ca.Code] = true
		name := ca.Name
		if ca.Nickname != "" {
			name += " (" + ca.Nickname + ")"
		}
		r.add("carrier", fmt.Sprintf("%s %s #%d", ca.Code, name, ca.ShippingProviderID), Listed, "")
	}
	switch {
	case connected["stamps_com"]:
		r.USPSCode = "stamps_com"
	case connected["usps"]:
		r.USPSCode = "usps"
	}
	return connected
}

// serviceUse is a service the configuration uses, and the setting naming it.
type serviceUse struct{ service, origin string }

// wantedServices maps each ShipStation carrier code the configuration uses
// (USPS as uspsCode) to the services configured for it, with the codes in
// the order the configuration names them.
func (c *Checker) wantedServices(uspsCode string) ([]string, map[string][]serviceUse) {
	cfg := c.Config
	wanted := map[string][]serviceUse{}
	var order []string
	want := func(carrier mapping.Carrier, service, origin string) {
		code := carrier.ShipStationCode(uspsCode)
		if _, seen := wanted[code]; !seen {
			order = append(order, code)
		}
		wanted[code] = append(wanted[code], serviceUse{service, origin})
	}
	if cfg.PreferredCarrier != "" {
		want(cfg.PreferredCarrier, cfg.DefaultService, "PREFERRED_CARRIER/DEFAULT_SERVICE")
	}
	for i, m := range cfg.ShippingMappings {
		want(m.Carrier, m.Service, fmt.Sprintf("mapping %d %q", i+1, m.Method))
	}
	return order, wanted
}

// checkServices lists the services of the connected carrier code and
// resolves the uses of them.
func (c *Checker) checkServices(ctx context.Context, r *Report, code string, uses []serviceUse) {
	services, err := c.ShipStation.Carriers.ListServices(ctx, code)
	if err != nil {
		r.add("carrier", code, Unchecked, fmt.Sprintf("services could not be listed: %v", err))
		return
	}
	r.add("carrier", code, Enabled, "")
	known := map[string]bool{}
	for _, s := range services {
		known[s.Code] = true
	}
	for _, u := range uses {
		if known[u.service] {
			r.add("mapping", u.origin, Enabled, code+":"+u.service)
			continue
		}
		reason := fmt.Sprintf("service %s is not offered by carrier %s", u.service, code)
		r.add("mapping", u.origin, Invalid, reason)
		r.disable(reason, c.jobsNeeding(Carriers, false)...)
	}
}

func (c *Checker) checkStores(ctx context.Context, r *Report) {
	stores, err := c.ShipStation.Stores.List(ctx)
	if err != nil {
		r.add("store", "list", Unchecked, "could not be listed: "+err.Error())
		return
	}
	active := map[int64]bool{}
	for _, s := range stores {
		if !s.IsActive() {
			continue
		}
		active[s.StoreID] = true
		r.add("store", fmt.Sprintf("%d %s", s.StoreID, s.StoreName), Listed, "")
	}
	cfg := c.Config
	storeJobs := c.jobsNeeding(Stores, false)
	if scheduled := c.jobsNeeding(Stores, true); cfg.SingleStoreID == 0 && len(cfg.ChannelStores) == 0 && len(scheduled) > 0 {
		reason := "neither SINGLE_STORE_ID nor CHANNEL_STORES is set: no order could be routed to a store"
		r.add("store", "SINGLE_STORE_ID/CHANNEL_STORES", Unconfigured, reason)
		r.disable(reason, scheduled...)
	}
	if cfg.SingleStoreID != 0 {
		resolve(r, "store", "SINGLE_STORE_ID="+strconv.FormatInt(cfg.SingleStoreID, 10), active[cfg.SingleStoreID], "no such active store", storeJobs...)
	}
	for _, name := range sortedKeys(cfg.ChannelStores) {
		id := cfg.ChannelStores[name]
		resolve(r, "store", fmt.Sprintf("CHANNEL_STORES %q=%d", name, id), active[id], "no such active store", storeJobs...)
	}
}

func (c *Checker) checkWarehouses(ctx context.Context, r *Report) {
	warehouses, err := c.ShipStation.Warehouses.List(ctx)
	if err != nil {
		// Only a configuration that names warehouses depends on this list.
		r.add("warehouse", "list", Unchecked, "could not be listed: "+err.Error())
		return
	}
	known := map[int64]bool{}
	for _, w := range warehouses {
		known[w.WarehouseID] = true
		r.add("warehouse", fmt.Sprintf("%d %s", w.WarehouseID, w.WarehouseName), Listed, "")
	}
	for _, code := range sortedKeys(c.Config.Warehouses) {
		id := c.Config.Warehouses[code]
		resolve(r, "warehouse", fmt.Sprintf("WAREHOUSES %s=%d", code, id), known[id], "no such warehouse", c.jobsNeeding(Warehouses, false)...)
	}
}

func (c *Checker) checkUsers(ctx context.Context, r *Report) {
	users, err := c.ShipStation.Users.List(ctx)
	if err != nil {
		r.add("user", "list", Unchecked, "could not be listed: "+err.Error())
		return
	}
	found := false
	for _, u := range users {
		r.add("user", u.UserID+" "+u.Name, Listed, "")
		found = found || strings.EqualFold(u.UserID, c.Config.AssignUserID)
	}
	if c.Config.AssignUserID != "" {
		resolve(r, "user", "ASSIGN_USER_ID="+c.Config.AssignUserID, found, "no such active user", c.jobsNeeding(Users, false)...)
	}
}

func (c *Checker) checkTags(ctx context.Context, r *Report) {
	tags, err := c.ShipStation.Tags.List(ctx)
	if err != nil {
		r.add("tag", "list", Unchecked, "could not be listed: "+err.Error())
		return
	}
	found := false
	for _, t := range tags {
		r.add("tag", fmt.Sprintf("%d %s", t.TagID, t.Name), Listed, "")
		found = found || t.TagID == c.Config.GetOrdersTagID
	}
	if c.Config.GetOrdersTagID != 0 {
		resolve(r, "tag", "GET_ORDERS_TAG_ID="+strconv.FormatInt(c.Config.GetOrdersTagID, 10), found, "no such tag", c.jobsNeeding(Tags, false)...)
	}
}

func resolve(r *Report, section, name string, ok bool, why string, jobs ...string) {
	if ok {
		r.add(section, name, Enabled, "")
		return
	}
	r.add(section, name, Invalid, why)
	r.disable(name+": "+why, jobs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
