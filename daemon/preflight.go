package daemon

import (
	"context"
	"fmt"

	"github.com/shipsync/shipsync/preflight"
	"github.com/shipsync/shipsync/state"
)

// Preflight runs the check (all of it, or only what the job called only
// needs when only is not ""), logs one event per item, and tells the jobs the
// account's USPS carrier code.
func (a *App) Preflight(ctx context.Context, only string) *preflight.Report {
	report := a.runPreflight(ctx, only)
	for _, it := range report.Items {
		a.LogCheckLine(it)
	}
	for _, it := range jobLines(report) {
		if only == "" || it.Name == only {
			a.LogCheckLine(it)
		}
	}
	return report
}

// runPreflight runs the check (all of it, or only what the job called only
// needs) and tells the jobs the account's USPS carrier code.
func (a *App) runPreflight(ctx context.Context, only string) *preflight.Report {
	checker := &preflight.Checker{Config: a.Config, ShipStation: a.ShipStation, Quipt: a.Quipt, Jobs: PreflightJobs(a.Jobs), Only: only}
	report := checker.Run(ctx)
	a.env.USPSCode = a.rememberUSPSCode(ctx, report.USPSCode)
	return report
}

// LogCheckLine logs one line of the check as one event: at error when it is
// invalid, at warn when it is a warning or a job that will not run.
func (a *App) LogCheckLine(it CheckLine) {
	ev := a.Log.Info()
	switch it.Status {
	case preflight.Invalid:
		ev = a.Log.Error()
	case StatusWarning, StatusOff:
		ev = a.Log.Warn()
	}
	ev = ev.Str("event", "check").Str("section", it.Section).Str("name", it.Name).Str("status", it.Status)
	if it.Reason != "" {
		ev = ev.Str("reason", it.Reason)
	}
	ev.Msg(checkMessage(it))
}

// checkMessage is the message of a check line: what it is about and its status.
func checkMessage(it CheckLine) string {
	return fmt.Sprintf("check: %s %s %s", it.Section, it.Name, it.Status)
}

// Check is `shipsync check` in JSON lines: every line of CheckAll as one
// event, then the verdict. It reports whether nothing is invalid.
func (a *App) Check(ctx context.Context) *CheckResult {
	res := a.CheckAll(ctx)
	for _, it := range res.Lines {
		a.LogCheckLine(it)
	}
	ev := a.Log.Info()
	if !res.OK {
		ev = a.Log.Error()
	}
	ev.Str("event", "check_result").Bool("ok", res.OK).Msg(res.Verdict)
	return res
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
