package pushorders

import (
	"context"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// pageWork counts, by kind, the Redis round trips of a run's page work:
// look-ups (pipelines reading dead letters), fenced record writes and rate-budget claims, with
// the slots each claim asked for. It is a redis.Hook.
type pageWork struct {
	mu      sync.Mutex
	lookups int
	writes  int
	claims  []string // the slots each claim asked for
}

func (p *pageWork) DialHook(next redis.DialHook) redis.DialHook { return next }

func (p *pageWork) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT") { // the first EVALSHA of a script on a server
			p.note(cmd.Args())
		}
		return err
	}
}

func (p *pageWork) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if lookup(cmds) {
			p.mu.Lock()
			p.lookups++
			p.mu.Unlock()
		}
		return next(ctx, cmds)
	}
}

// lookup reports whether a pipeline is a page's look-up: it reads the
// job's dead letters.
func lookup(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		for _, a := range c.Args() {
			if strings.Contains(fmt.Sprint(a), ":dl:") {
				return true
			}
		}
	}
	return false
}

// note classifies one script call by its keys: a claim names the budget's
// log first and passes 8 arguments (the 8th: slots wanted); a fenced record
// write names record hashes.
func (p *pageWork) note(args []any) {
	if len(args) < 3 || !strings.HasPrefix(fmt.Sprint(args[0]), "eval") {
		return
	}
	var nkeys int
	if _, err := fmt.Sscan(fmt.Sprint(args[2]), &nkeys); err != nil || len(args) < 3+nkeys {
		return
	}
	keys, argv := args[3:3+nkeys], args[3+nkeys:]
	p.mu.Lock()
	defer p.mu.Unlock()
	switch first := fmt.Sprint(keys[0]); {
	case strings.Contains(first, ":ratebudget:") && strings.HasSuffix(first, ":log") && len(argv) == 8:
		p.claims = append(p.claims, fmt.Sprint(argv[6]))
	case nkeys > 1 && strings.Contains(fmt.Sprint(keys[1]), ":rec:"):
		p.writes++
	}
}

// A page of 200 new orders costs three Redis round trips of page work: its
// look-up, one claim of the two slots of its two createorders calls, and
// one fenced write of what ShipStation holds (with the acknowledgements of
// the page before); the acknowledgements of the last page are written at
// the end of the pass.
func TestAPageCostsOneLookupOneClaimAndOneWrite(t *testing.T) {
	const pages = 5
	// A minute's window: a claimed slot may be used for 3 s (see
	// state.RateBudget.WaitN).
	w := newWorld(t, jobstest.Options{RateLimit: 1000, RateWindow: time.Minute})
	// The first run on an empty Redis lists ShipStation's open orders
	// (recoverRecords): run-level work, done before the pages are counted.
	run(t, w, newJob(w))
	addOrders(w, pages*quipt.MaxPageSize, "RT")
	counts := &pageWork{}
	w.Redis.Client.AddHook(counts)
	run(t, w, newJob(w))

	if got := len(ssOrders(t, w)); got != pages*quipt.MaxPageSize {
		t.Fatalf("ShipStation holds %d orders, want %d", got, pages*quipt.MaxPageSize)
	}
	counts.mu.Lock()
	defer counts.mu.Unlock()
	if counts.lookups != pages {
		t.Errorf("%d look-ups for %d pages, want one a page", counts.lookups, pages)
	}
	if counts.writes != pages+1 {
		t.Errorf("%d fenced record writes for %d pages, want one a page and one at the end of the pass", counts.writes, pages)
	}
	var paired int
	for _, n := range counts.claims {
		if n == "2" {
			paired++
		}
	}
	if paired != pages {
		t.Errorf("claims asked for %v slots; want one claim of 2 slots a page (%d)", counts.claims, pages)
	}
}

// An order listed twice in one pass (a list that shifted between pages) is
// picked once; the seen set keeps hashes, and a new pass starts empty.
func TestPickSkipsAnOrderListedTwice(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	newPass := func() *pass {
		return &pass{job: newJob(w), seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	}
	p := newPass()
	o := quipt.Order{ID: "Q-1"}
	if _, _, skip := p.Pick(o); skip != "" {
		t.Fatalf("first Pick of Q-1 skipped it: %q", skip)
	}
	if _, _, skip := p.Pick(quipt.Order{ID: "Q-2"}); skip != "" {
		t.Fatalf("Pick of Q-2 skipped it: %q", skip)
	}
	if _, _, skip := p.Pick(o); skip != "skipped_repeat" {
		t.Fatalf("second Pick of Q-1 = %q, want skipped_repeat", skip)
	}
	if _, _, skip := newPass().Pick(o); skip != "" {
		t.Fatalf("Pick of Q-1 in a new pass skipped it: %q", skip)
	}
}
