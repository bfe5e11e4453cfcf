package state_test

import (
	"errors"
	"fmt"
	"testing"

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
