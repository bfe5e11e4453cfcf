package jobs

import (
	"time"
)

// DefaultProgressAfter is how long a run goes before it logs a progress
// line per page (Env.ProgressAfter).
const DefaultProgressAfter = 5 * time.Second

// Counted is a page that knows its size and its list's size: every page
// type of the connectors (shipstation.Page, quipt.Page).
type Counted interface {
	// Size is the number of items of the page, malformed ones included.
	Size() int
	// ListTotal is the number of items of the whole list as the server
	// reports it; 0 when unknown.
	ListTotal() int
}

// progress follows one list of a run, for its progress lines.
type progress struct {
	run   *Run
	list  string
	start time.Time // when the list began
	pages int
	done  int
	total int
}

func newProgress(run *Run, list string) *progress {
	return &progress{run: run, list: list, start: time.Now()}
}

// page counts page (when it is Counted) and, once the run is older than
// Env.ProgressAfter, logs one progress line: the list's pages and items
// done, its total when the server gave one, the rate in items per second
// since the list began and, with a total, the estimated time left.
func (p *progress) page(page any) {
	p.pages++
	if c, ok := page.(Counted); ok {
		p.done += c.Size()
		p.total = max(p.total, c.ListTotal(), p.done)
	}
	now := time.Now()
	if now.Sub(p.run.began(p.start)) < p.run.progressAfter() {
		return
	}
	elapsed := now.Sub(p.start)
	ev := p.run.Log.Info().Str("event", "progress").Str("list", p.list).Int("pages", p.pages).Int("done", p.done)
	if p.total > 0 {
		ev = ev.Int("total", p.total)
	}
	if secs := elapsed.Seconds(); secs > 0 {
		rate := float64(p.done) / secs
		ev = ev.Float64("per_second", float64(int(rate*10))/10)
		if p.total > 0 && rate > 0 {
			ev = ev.Int64("eta_s", int64(float64(p.total-p.done)/rate+0.5))
		}
	}
	ev.Int64("elapsed_ms", elapsed.Milliseconds()).Msg("progress")
}

// began returns when the run began; fallback for a Run not made by Execute.
func (r *Run) began(fallback time.Time) time.Time {
	if r.start.IsZero() {
		return fallback
	}
	return r.start
}

// progressAfter is Env.ProgressAfter, or DefaultProgressAfter when unset.
func (r *Run) progressAfter() time.Duration {
	if r.Env == nil || r.Env.ProgressAfter == 0 {
		return DefaultProgressAfter
	}
	return r.Env.ProgressAfter
}
