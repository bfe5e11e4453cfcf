package daemon

import (
	"context"

	"github.com/shipsync/shipsync/preflight"
	"github.com/shipsync/shipsync/state"
)

// Preflight runs the check (all of it, or only what the job called only
// needs when only is not ""), logs one event per item, and tells the jobs the
// account's USPS carrier code.
func (a *App) Preflight(ctx context.Context, only string) *preflight.Report {
	checker := &preflight.Checker{Config: a.Config, ShipStation: a.ShipStation, Quipt: a.Quipt, Jobs: PreflightJobs(a.Jobs), Only: only}
	report := checker.Run(ctx)
	a.env.USPSCode = a.rememberUSPSCode(ctx, report.USPSCode)
	for _, it := range report.Items {
		ev := a.Log.Info()
		if it.Status == preflight.Invalid {
			ev = a.Log.Error()
		}
		ev = ev.Str("event", "check").Str("section", it.Section).Str("name", it.Name).Str("status", it.Status)
		if it.Reason != "" {
			ev = ev.Str("reason", it.Reason)
		}
		ev.Msg("preflight")
	}
	for disabled, reason := range report.Disabled {
		if only != "" && disabled != only {
			continue
		}
		a.Log.Error().Str("event", "check").Str("section", "job").Str("name", disabled).Str("status", preflight.Invalid).Str("reason", reason).Msg("preflight")
	}
	return report
}

// Check is `shipsync check`: the preflight alone, with a closing line. It
// reports whether everything resolves.
func (a *App) Check(ctx context.Context) bool {
	if !a.Preflight(ctx, "").OK() {
		a.Log.Error().Str("event", "check_result").Msg("check failed: see the invalid items above")
		return false
	}
	a.Log.Info().Str("event", "check_result").Msg("check passed: everything resolves")
	return true
}

// rememberUSPSCode returns the account's USPS carrier code: the one the
// preflight just found, recorded in Redis for the next start, or, when the
// preflight could not tell (ShipStation unreachable), the one recorded last, so
// that pushed orders keep their carrier code and content.
func (a *App) rememberUSPSCode(ctx context.Context, found string) string {
	if found != "" {
		if err := a.Store.PutAccountFact(ctx, state.FactUSPSCode, found); err != nil {
			a.Log.Warn().Err(err).Msg("cannot record the account's USPS carrier code")
		}
		return found
	}
	code, ok, err := a.Store.AccountFact(ctx, state.FactUSPSCode)
	if err != nil || !ok {
		return ""
	}
	a.Log.Info().Str("usps_code", code).Msg("preflight could not list carriers: using the USPS carrier code recorded earlier")
	return code
}
