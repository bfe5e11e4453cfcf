package daemon

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shipsync/shipsync/preflight"
)

// redisCheckTimeout bounds the Redis line of `shipsync check`.
const redisCheckTimeout = 3 * time.Second

// StatusWarning marks a check line that does not stop anything but deserves
// a look (Redis without persistence).
const StatusWarning = "warning"

// StatusOff marks a job that will not run: its configuration does not
// resolve (then an invalid line says why) or it is left unconfigured.
const StatusOff = "off"

// CheckLine is one line of `shipsync check`.
type CheckLine = preflight.Item

// CheckResult is what `shipsync check` found: every line, in order (Redis
// first, then the preflight, then one line per job that will not run), and
// one verdict that agrees with them: OK is false exactly when a line is
// invalid.
type CheckResult struct {
	Lines   []CheckLine
	OK      bool
	Verdict string
}

// CheckAll is `shipsync check`: Redis (reachable, version, persistence), then
// the preflight of every job. When Redis does not answer the preflight is not
// run: the ShipStation budget lives in Redis, so its answer would be about
// Redis again. It logs nothing; the command renders the result.
func (a *App) CheckAll(ctx context.Context) *CheckResult {
	res := &CheckResult{}
	redisLine := a.checkRedis(ctx)
	res.Lines = append(res.Lines, redisLine)
	if redisLine.Status != preflight.Invalid {
		report := a.runPreflight(ctx, "")
		res.Lines = append(res.Lines, report.Items...)
		res.Lines = append(res.Lines, jobLines(report)...)
	}
	res.OK = !slices.ContainsFunc(res.Lines, func(l CheckLine) bool { return l.Status == preflight.Invalid })
	res.Verdict = verdict(res.Lines, res.OK)
	return res
}

// jobLines is one line per job that will not run, naming every reason.
func jobLines(report *preflight.Report) []CheckLine {
	var out []CheckLine
	for _, job := range slices.Sorted(maps.Keys(report.Disabled)) {
		out = append(out, CheckLine{Section: "job", Name: job, Status: StatusOff, Reason: report.Disabled[job]})
	}
	return out
}

// verdict is the closing sentence of check, consistent with lines.
func verdict(lines []CheckLine, ok bool) string {
	count := func(status string) []string {
		var names []string
		for _, l := range lines {
			if l.Status == status {
				names = append(names, l.Section+" "+l.Name)
			}
		}
		return names
	}
	invalid, off, warn := count(preflight.Invalid), count(StatusOff), count(StatusWarning)
	if !ok {
		return fmt.Sprintf("check failed: %d invalid (%s)", len(invalid), strings.Join(invalid, ", "))
	}
	var notes []string
	if len(off) > 0 {
		notes = append(notes, fmt.Sprintf("%d off (%s)", len(off), strings.Join(off, ", ")))
	}
	if len(warn) > 0 {
		notes = append(notes, fmt.Sprintf("%d warnings (%s)", len(warn), strings.Join(warn, ", ")))
	}
	if len(notes) == 0 {
		return "check passed: everything resolves"
	}
	return "check passed, nothing invalid; " + strings.Join(notes, "; ")
}

// checkRedis is the Redis line: reachable, its version and whether it
// persists its data (AOF or RDB snapshots).
func (a *App) checkRedis(ctx context.Context) CheckLine {
	ctx, cancel := context.WithTimeout(ctx, redisCheckTimeout)
	defer cancel()
	line := CheckLine{Section: "connection", Name: "redis"}
	info, err := a.Redis.Info(ctx, "server", "persistence").Result()
	if err != nil {
		line.Status, line.Reason = preflight.Invalid, "unreachable: "+err.Error()
		return line
	}
	fields := parseInfo(info)
	aof := fields["aof_enabled"] == "1"
	rdb := a.rdbSnapshots(ctx)
	line.Status = preflight.Enabled
	line.Reason = fmt.Sprintf("version %s, persistence: aof %s, rdb snapshots %s", fields["redis_version"], onOff(aof), rdb)
	if !aof && rdb != "on" {
		line.Status = StatusWarning
		line.Reason += "; without persistence a restart loses cursors, links and dead letters (enable appendonly yes)"
	}
	return line
}

// rdbSnapshots says whether Redis saves RDB snapshots ("on", "off"), or
// "unknown" when CONFIG is not allowed (managed Redis).
func (a *App) rdbSnapshots(ctx context.Context) string {
	save, err := a.Redis.ConfigGet(ctx, "save").Result()
	if err != nil {
		return "unknown"
	}
	return onOff(strings.TrimSpace(save["save"]) != "")
}

// parseInfo reads the key:value lines of an INFO answer.
func parseInfo(info string) map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			out[k] = v
		}
	}
	return out
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
