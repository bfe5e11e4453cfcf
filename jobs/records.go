package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/shipsync/shipsync/state"
)

// Records are records to write, or written: namespace → id → value.
type Records map[string]map[string]string

// Set notes value as the record of id in namespace ns.
func (rs Records) Set(ns, id, value string) {
	if rs[ns] == nil {
		rs[ns] = map[string]string{}
	}
	rs[ns][id] = value
}

// Merge copies every record of o into rs; o's win.
func (rs Records) Merge(o Records) {
	for ns, kv := range o {
		for id, v := range kv {
			rs.Set(ns, id, v)
		}
	}
}

// Len is the number of records in all namespaces.
func (rs Records) Len() int {
	n := 0
	for _, kv := range rs {
		n += len(kv)
	}
	return n
}

// namespaces returns the namespaces that hold records, sorted.
func (rs Records) namespaces() []string {
	var out []string
	for ns, kv := range rs {
		if len(kv) > 0 {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return out
}

// Key names a candidate for the look-up: ID is its record id in every
// namespace looked up; Park is its dead-letter id, "" meaning ID; Related is
// the id of what the candidate belongs to (a package's Quipt order, say),
// whose records are read in the pipeline's Related namespaces.
type Key struct {
	ID      string
	Park    string
	Related string
}

func (k Key) park() string {
	if k.Park != "" {
		return k.Park
	}
	return k.ID
}

// Known is what one look-up found about a page's candidates: their records
// and which are parked, with the records the page noted since laid over
// them (Pipeline notes each candidate's records when it is applied, so a
// later candidate with the same id sees them). It is safe for concurrent use.
type Known struct {
	mu      sync.Mutex
	records Records
	parked  map[string]bool
}

// Get returns the record of id in namespace ns and whether there is one.
func (k *Known) Get(ns, id string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.records[ns][id]
	return v, ok
}

// Record returns the record of id in namespace ns, "" when there is none.
func (k *Known) Record(ns, id string) string {
	v, _ := k.Get(ns, id)
	return v
}

// Parked reports whether the item with dead-letter id id is parked
// (dead-lettered, or dropped by an operator).
func (k *Known) Parked(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.parked[id]
}

// Note lays rs over the records.
func (k *Known) Note(rs Records) {
	if len(rs) == 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.records.Merge(rs)
}

// note lays the records one item noted over the records.
func (k *Known) note(ns []noted) {
	if len(ns) == 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, n := range ns {
		k.records.Set(n.ns, n.id, n.value)
	}
}

// Lookup reads, in one pipelined round trip, the records of the keys' ids in
// each namespace of nss, the records of their Related ids in each namespace
// of related, and which of the keys' dead-letter ids the job has parked. In
// a dry run the records the run decided on earlier pages are laid over what
// Redis holds.
func (r *Run) Lookup(ctx context.Context, keys []Key, nss, related []string) (*Known, error) {
	ids := make([]string, len(keys))
	parkIDs := make([]string, len(keys))
	var relatedIDs []string
	for i, k := range keys {
		ids[i], parkIDs[i] = k.ID, k.park()
		if k.Related != "" && len(related) > 0 {
			relatedIDs = append(relatedIDs, k.Related)
		}
	}
	q := state.LookupQuery{ParkIDs: parkIDs}
	for _, ns := range nss {
		q.Sets = append(q.Sets, state.RecordSet{NS: ns, IDs: ids})
	}
	for _, ns := range related {
		q.Sets = append(q.Sets, state.RecordSet{NS: ns, IDs: relatedIDs})
	}
	found, err := r.Env.Store.LookupAll(ctx, r.Job, q)
	if err != nil {
		return nil, fmt.Errorf("read %s records and dead letters: %w", strings.Join(append(slices.Clone(nss), related...), ", "), err)
	}
	known := &Known{records: found.Records, parked: found.Parked}
	for _, set := range q.Sets {
		for _, id := range set.IDs {
			if v, ok := r.decided[set.NS][id]; ok {
				known.records.Set(set.NS, id, v)
			}
		}
	}
	return known, nil
}

// Record writes rs with one fenced write and returns err, the error that
// ended the page early if any, joined with a failure to write: what a page
// applied is recorded even when the page stopped half-way. A dry run keeps
// rs in memory only, for Lookup.
func (r *Run) Record(ctx context.Context, rs Records, err error) error {
	nss := rs.namespaces()
	if len(nss) == 0 {
		return err
	}
	if r.Env.DryRun {
		if r.decided == nil {
			r.decided = Records{}
		}
		r.decided.Merge(rs)
		return err
	}
	var werr error
	if len(nss) == 1 {
		werr = r.Env.Store.PutRecords(ctx, r.Lease, nss[0], rs[nss[0]])
	} else {
		werr = r.Env.Store.PutRecordSets(ctx, r.Lease, rs)
	}
	if werr != nil {
		return errors.Join(err, fmt.Errorf("record %d entries in %s: %w", rs.Len(), strings.Join(nss, ", "), werr))
	}
	return err
}
