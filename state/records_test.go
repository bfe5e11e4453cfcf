package state_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/state"
)

func TestRecordsRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "push-orders", "me")

	want := map[string]string{"q1": "ss:100|v3", "q2": "ss:200|v1", "q:3 with spaces": "{\"json\":true}"}
	if err := s.PutRecords(ctx, l, "links", want); err != nil {
		t.Fatalf("PutRecords: %v", err)
	}
	got, err := s.Records(ctx, "links", []string{"q1", "q2", "q:3 with spaces", "absent"})
	if err != nil {
		t.Fatalf("Records: %v", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Records (-want +got):\n%s", d)
	}
	// Namespaces are separate.
	if other, err := s.Records(ctx, "applied", []string{"q1"}); err != nil || len(other) != 0 {
		t.Fatalf("Records in another namespace = %v, %v; want empty", other, err)
	}
	// Overwrite one, delete one.
	if err := s.PutRecords(ctx, l, "links", map[string]string{"q1": "ss:100|v4"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecords(ctx, l, "links", []string{"q2", "absent"}); err != nil {
		t.Fatalf("DeleteRecords: %v", err)
	}
	got, err = s.Records(ctx, "links", []string{"q1", "q2"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"q1": "ss:100|v4"}, got); d != "" {
		t.Fatalf("after overwrite and delete (-want +got):\n%s", d)
	}
}

func TestRecordsManyIDsOneRoundTrip(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "sync-tracking", "me")

	ids := make([]string, 500)
	kv := make(map[string]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("pkg-%d", i)
		if i%2 == 0 {
			kv[ids[i]] = fmt.Sprintf("applied-%d", i)
		}
	}
	// The first use of a script may cost an extra EVAL; count the steady state.
	if err := s.PutRecords(ctx, l, "warm-up", map[string]string{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	rt := countRoundTrips(r.Client)

	if err := s.PutRecords(ctx, l, "applied", kv); err != nil {
		t.Fatalf("PutRecords of 250: %v", err)
	}
	if n := rt.n.Swap(0); n != 1 {
		t.Errorf("PutRecords of 250 records took %d round trips, want 1", n)
	}
	got, err := s.Records(ctx, "applied", ids)
	if err != nil {
		t.Fatalf("Records of 500: %v", err)
	}
	if n := rt.n.Swap(0); n != 1 {
		t.Errorf("Records of 500 ids took %d round trips, want 1", n)
	}
	if d := cmp.Diff(kv, got); d != "" {
		t.Errorf("Records (-want +got):\n%s", d)
	}
	if got, err := s.Records(ctx, "applied", nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Records(no ids) = %#v, %v; want empty map", got, err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("Records(no ids) took %d round trips, want 0", n)
	}
}

func TestPutRecordsFencedWritesNothing(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	stale := *l
	stale.Token--
	kv := map[string]string{}
	for i := range 300 {
		kv[fmt.Sprint(i)] = "v"
	}
	if err := s.PutRecords(ctx, &stale, "ns", kv); !errors.Is(err, state.ErrFenced) {
		t.Fatalf("PutRecords with a stale token: err = %v, want ErrFenced", err)
	}
	if got, err := s.Records(ctx, "ns", []string{"0", "299"}); err != nil || len(got) != 0 {
		t.Fatalf("records after fenced write = %v, %v; want none", got, err)
	}
}

func TestAllRecords(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "link-listings", "me")
	want := make(map[string]string, 1200)
	for i := range 1200 {
		want[fmt.Sprintf("sku-%04d", i)] = fmt.Sprint(i)
	}
	if err := s.PutRecords(ctx, l, "skus", want); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for kv, err := range s.AllRecords(ctx, "skus") {
		if err != nil {
			t.Fatalf("AllRecords: %v", err)
		}
		got[kv[0]] = kv[1]
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("AllRecords (-want +got):\n%s", d)
	}

	// Stopping early is honoured.
	n := 0
	for range s.AllRecords(ctx, "skus") {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("early break after %d", n)
	}
	for kv, err := range s.AllRecords(ctx, "empty") {
		t.Fatalf("AllRecords of an empty namespace yielded %v, %v", kv, err)
	}
}

func TestLookupReadsRecordsAndParkedInOneRoundTrip(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	if err := s.PutRecords(ctx, l, "a", map[string]string{"1": "a1", "2": "a2"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords(ctx, l, "b", map[string]string{"2": "b2"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "3", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	// Warm the pool, so opening a connection does not count.
	if _, err := s.Lookup(ctx, "job", []string{"1"}, "a", "b"); err != nil {
		t.Fatal(err)
	}
	rt := countRoundTrips(r.Client)
	got, err := s.Lookup(ctx, "job", []string{"1", "2", "3", "4"}, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if rt.n.Load() != 1 {
		t.Errorf("Lookup used %d round trips, want 1", rt.n.Load())
	}
	want := &state.Lookup{
		Records: map[string]map[string]string{"a": {"1": "a1", "2": "a2"}, "b": {"2": "b2"}},
		Parked:  map[string]bool{"3": true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Lookup (-want +got):\n%s", diff)
	}
}

func TestPutRecordSetsWritesEveryNamespaceInOneRoundTrip(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "push-orders", "me")
	if err := s.PutRecords(ctx, l, "links", map[string]string{"kept": "old", "q1": "old"}); err != nil {
		t.Fatal(err)
	}
	// Warm the pool and the script cache, so neither a new connection nor a
	// first EVAL counts.
	if err := s.PutRecordSets(ctx, l, map[string]map[string]string{"warm-up": {"a": "b"}}); err != nil {
		t.Fatal(err)
	}

	// More records than the script's HSET chunk in one namespace, a handful
	// in another, none in a third.
	pushed := make(map[string]string, 450)
	for i := range 450 {
		pushed[fmt.Sprintf("q%d", i)] = fmt.Sprintf(`{"n":%d}`, i)
	}
	sets := map[string]map[string]string{
		"pushed": pushed,
		"links":  {"q1": "ss:1", "q:2 with spaces": "ss:2"},
		"empty":  {},
	}
	rt := countRoundTrips(r.Client)
	if err := s.PutRecordSets(ctx, l, sets); err != nil {
		t.Fatalf("PutRecordSets: %v", err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("PutRecordSets of 452 records in 2 namespaces took %d round trips, want 1", n)
	}

	ids := []string{"kept", "q1", "q:2 with spaces", "q449", "absent"}
	for i := range 450 {
		ids = append(ids, fmt.Sprintf("q%d", i))
	}
	got, err := s.Lookup(ctx, "push-orders", ids, "pushed", "links", "empty")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"pushed": pushed,
		// Fields not in the set are kept, fields in it are overwritten.
		"links": {"kept": "old", "q1": "ss:1", "q:2 with spaces": "ss:2"},
		"empty": {},
	}
	if d := cmp.Diff(want, got.Records); d != "" {
		t.Errorf("records after PutRecordSets (-want +got):\n%s", d)
	}
}

func TestPutRecordSetsFencedWritesNothing(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	many := map[string]string{}
	for i := range 300 {
		many[fmt.Sprint(i)] = "v"
	}
	sets := map[string]map[string]string{"a": many, "b": {"0": "v", "299": "v"}}
	check := func(what string, lease *state.Lease) {
		t.Helper()
		if err := s.PutRecordSets(ctx, lease, sets); !errors.Is(err, state.ErrFenced) {
			t.Fatalf("PutRecordSets with %s: err = %v, want ErrFenced", what, err)
		}
		got, err := s.Lookup(ctx, "job", []string{"0", "299"}, "a", "b")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Records["a"]) != 0 || len(got.Records["b"]) != 0 {
			t.Fatalf("records after PutRecordSets with %s = %v; want none", what, got.Records)
		}
	}

	stale := *l
	stale.Token--
	check("a stale token", &stale)
	check("no lease", nil)

	// Taken over by another owner after the lease ran out.
	const ttl = 100 * time.Millisecond
	short, err := s.AcquireLease(ctx, "short-job", "me", ttl)
	if err != nil {
		t.Fatal(err)
	}
	expire(r, ttl)
	if _, err := s.AcquireLease(ctx, "short-job", "other", time.Minute); err != nil {
		t.Fatal(err)
	}
	check("a lease taken over", short)

	// The current lease writes.
	if err := s.PutRecordSets(ctx, l, sets); err != nil {
		t.Fatalf("PutRecordSets with the current lease: %v", err)
	}
	if got, err := s.Records(ctx, "b", []string{"0", "299"}); err != nil || len(got) != 2 {
		t.Fatalf("records of b after PutRecordSets with the current lease = %v, %v; want 2", got, err)
	}
}

func TestPutRecordSetsWithNothingToWriteSendsNothing(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	rt := countRoundTrips(r.Client)
	for _, sets := range []map[string]map[string]string{nil, {}, {"a": nil, "b": {}}} {
		if err := s.PutRecordSets(ctx, l, sets); err != nil {
			t.Errorf("PutRecordSets(%v) = %v, want nil", sets, err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("PutRecordSets with nothing to write took %d round trips, want 0", n)
	}
}

func TestPutRecordSetsWrongTypeKeyWritesNothing(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	// "b"'s records key holds a string: its HSET would fail after "a"'s.
	if err := r.Client.Set(ctx, "{"+r.Prefix+"}:rec:b", "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	err := s.PutRecordSets(ctx, l, map[string]map[string]string{"a": {"1": "a1"}, "b": {"1": "b1"}})
	if err == nil || errors.Is(err, state.ErrFenced) {
		t.Fatalf("PutRecordSets over a string key: err = %v, want a non-fencing error", err)
	}
	if got, err := s.Records(ctx, "a", []string{"1"}); err != nil || len(got) != 0 {
		t.Fatalf("records of a after the failed write = %v, %v; want none", got, err)
	}
}

func TestLookupWithParkIDs(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	if err := s.PutRecords(ctx, l, "marked", map[string]string{"1": "t1", "3": "t3"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "mark:2", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	// A dead letter under a record's id is not a dead letter of its park id.
	if err := s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "3", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "mark:4", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DropDeadLetter(ctx, "job", "mark:4"); err != nil {
		t.Fatal(err)
	}
	// Warm the pool, so opening a connection does not count.
	if _, err := s.LookupWithParkIDs(ctx, "job", []string{"1"}, []string{"mark:1"}, "marked"); err != nil {
		t.Fatal(err)
	}
	rt := countRoundTrips(r.Client)
	got, err := s.LookupWithParkIDs(ctx, "job", []string{"1", "2", "3", "4"}, []string{"mark:1", "mark:2", "mark:3", "mark:4"}, "marked")
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("LookupWithParkIDs used %d round trips, want 1", n)
	}
	want := &state.Lookup{
		Records: map[string]map[string]string{"marked": {"1": "t1", "3": "t3"}},
		Parked:  map[string]bool{"mark:2": true, "mark:4": true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupWithParkIDs (-want +got):\n%s", d)
	}

	// Only park ids, or only record ids.
	got, err = s.LookupWithParkIDs(ctx, "job", nil, []string{"mark:2"}, "marked")
	if err != nil {
		t.Fatal(err)
	}
	want = &state.Lookup{Records: map[string]map[string]string{"marked": {}}, Parked: map[string]bool{"mark:2": true}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupWithParkIDs without record ids (-want +got):\n%s", d)
	}
	got, err = s.LookupWithParkIDs(ctx, "job", []string{"1"}, nil, "marked")
	if err != nil {
		t.Fatal(err)
	}
	want = &state.Lookup{Records: map[string]map[string]string{"marked": {"1": "t1"}}, Parked: map[string]bool{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupWithParkIDs without park ids (-want +got):\n%s", d)
	}
	rt.n.Store(0)
	if _, err := s.LookupWithParkIDs(ctx, "job", nil, nil, "marked"); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 0 {
		t.Errorf("LookupWithParkIDs of nothing used %d round trips, want 0", n)
	}
}

// TestLookupAllReadsOtherIDsPerNamespace: one round trip reads the records
// of the items' ids in one namespace and of the objects they belong to in
// another (a package and its order), with the dead letters; a namespace in
// two sets reads both sets' ids.
func TestLookupAllReadsOtherIDsPerNamespace(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	if err := s.PutRecords(ctx, l, "packages", map[string]string{"p1": "shipped"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords(ctx, l, "orders", map[string]string{"o1": "accepted", "o9": "other"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "p2", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	q := state.LookupQuery{
		Sets: []state.RecordSet{
			{NS: "packages", IDs: []string{"p1", "p2"}},
			{NS: "orders", IDs: []string{"o1", "o2"}},
			{NS: "orders", IDs: []string{"o9"}},
			{NS: "empty", IDs: nil},
		},
		ParkIDs: []string{"p1", "p2"},
	}
	if _, err := s.LookupAll(ctx, "job", q); err != nil { // warm the pool
		t.Fatal(err)
	}
	rt := countRoundTrips(r.Client)
	got, err := s.LookupAll(ctx, "job", q)
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("LookupAll used %d round trips, want 1", n)
	}
	want := &state.Lookup{
		Records: map[string]map[string]string{
			"packages": {"p1": "shipped"}, "orders": {"o1": "accepted", "o9": "other"}, "empty": {},
		},
		Parked: map[string]bool{"p2": true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupAll (-want +got):\n%s", d)
	}
}
