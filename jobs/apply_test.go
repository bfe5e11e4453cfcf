package jobs_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/jobs"
)

// item is an effect for TestApply...: key groups items that must run in
// order; fail makes the effect return an error.
type item struct {
	n    int
	key  string
	fail bool
}

func itemKey(it item) string { return it.key }

// TestApplyRunsSameKeyItemsInOrderAndMergesInItemOrder applies items four
// at a time: items of one key never overlap and run in page order, at most
// four run at once, and the counters and records come back as if the items
// had run one after the other.
func TestApplyRunsSameKeyItemsInOrderAndMergesInItemOrder(t *testing.T) {
	var items []item
	for n := range 24 {
		items = append(items, item{n: n, key: "k" + strconv.Itoa(n%5)})
	}
	var mu sync.Mutex
	order := map[string][]int{}
	busy := map[string]bool{}
	var inFlight, most int
	oneStarted := make(chan struct{})
	run := &jobs.Run{Sum: &jobs.Summary{}}
	recs, err := jobs.Apply(context.Background(), run, items, itemKey, 4, func(_ context.Context, it item, eff *jobs.Effects) error {
		switch it.n {
		case 0: // waits for item 1, which only concurrency lets start
			select {
			case <-oneStarted:
			case <-time.After(10 * time.Second):
				t.Error("item 1 did not start while item 0 ran")
			}
		case 1:
			close(oneStarted)
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if busy[it.key] {
			t.Errorf("item %d started while another item of %s ran", it.n, it.key)
		}
		busy[it.key] = true
		order[it.key] = append(order[it.key], it.n)
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		busy[it.key] = false
		inFlight--
		mu.Unlock()
		eff.Created++
		eff.Skip("skipped_test")
		eff.Record("ns", it.key, strconv.Itoa(it.n))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if most > 4 {
		t.Errorf("%d items ran at once, want at most 4", most)
	}
	for k, ns := range order {
		for i := 1; i < len(ns); i++ {
			if ns[i] < ns[i-1] {
				t.Errorf("items of %s ran in order %v", k, ns)
				break
			}
		}
	}
	// The last item of each key wins, as it would one after the other.
	want := jobs.Records{"ns": {"k0": "20", "k1": "21", "k2": "22", "k3": "23", "k4": "19"}}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if s := run.Sum; s.Created != 24 || s.Skipped != 24 || s.Extra["skipped_test"] != 24 {
		t.Errorf("summary = %+v, want 24 created and 24 skipped_test", s)
	}
}

// TestApplyStopsStartingItemsAfterAnError applies items one at a time; the
// third fails: the fourth and later never start, and the records of the
// first two come back with the error.
func TestApplyStopsStartingItemsAfterAnError(t *testing.T) {
	items := []item{{n: 0, key: "a"}, {n: 1, key: "b"}, {n: 2, key: "c", fail: true}, {n: 3, key: "d"}, {n: 4, key: "a"}}
	var started []int
	run := &jobs.Run{Sum: &jobs.Summary{}}
	boom := errors.New("transient")
	recs, err := jobs.Apply(context.Background(), run, items, itemKey, 1, func(_ context.Context, it item, eff *jobs.Effects) error {
		started = append(started, it.n)
		if it.fail {
			return boom
		}
		eff.Updated++
		eff.Record("ns", it.key, "done")
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the item's error", err)
	}
	if diff := cmp.Diff([]int{0, 1, 2}, started); diff != "" {
		t.Errorf("started (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(jobs.Records{"ns": {"a": "done", "b": "done"}}, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if run.Sum.Updated != 2 {
		t.Errorf("updated = %d, want 2", run.Sum.Updated)
	}
}

// TestSkipCountsTheTotalAndTheReason: Skip counts Skipped and the reason;
// an empty reason counts Skipped only.
func TestSkipCountsTheTotalAndTheReason(t *testing.T) {
	var s jobs.Summary
	s.Skip("skipped_parked")
	s.Skip("skipped_parked")
	s.Skip("")
	if s.Skipped != 3 || len(s.Extra) != 1 || s.Extra["skipped_parked"] != 2 {
		t.Errorf("summary = %+v, want 3 skipped, 2 of them skipped_parked", s)
	}
}
