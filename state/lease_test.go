package state_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shipsync/shipsync/state"
)

func TestLeaseIsExclusive(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	a := mustLease(t, s, "push-orders", "a")
	if a.Job != "push-orders" || a.Owner != "a" || a.Token < 1 {
		t.Fatalf("lease = %+v", a)
	}
	for _, owner := range []string{"b", "a"} {
		if _, err := s.AcquireLease(ctx, "push-orders", owner, time.Minute); !errors.Is(err, state.ErrLeaseHeld) {
			t.Fatalf("second AcquireLease by %s: err = %v, want ErrLeaseHeld", owner, err)
		}
	}
	// Another job's lease is independent.
	mustLease(t, s, "get-orders", "b")

	if err := s.ReleaseLease(ctx, a); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	b := mustLease(t, s, "push-orders", "b")
	if b.Token <= a.Token {
		t.Fatalf("token after release = %d, want > %d", b.Token, a.Token)
	}
}

func TestLeaseTokensStrictlyIncrease(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	var last int64
	for i := range 5 {
		l := mustLease(t, s, "sync-tracking", "owner")
		if l.Token <= last {
			t.Fatalf("acquisition %d: token %d, want > %d", i, l.Token, last)
		}
		last = l.Token
		if err := s.ReleaseLease(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExpiredLeaseIsFenced(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	const ttl = 80 * time.Millisecond
	old, err := s.AcquireLease(ctx, "job", "old", ttl)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords(ctx, old, "links", map[string]string{"k": "from-old"}); err != nil {
		t.Fatalf("PutRecords while current: %v", err)
	}
	if err := s.AdvanceCursor(ctx, old, "modified", time.Unix(100, 0)); err != nil {
		t.Fatal(err)
	}

	expire(r, ttl)
	// Expired and not yet taken over: still fenced.
	if err := s.PutRecords(ctx, old, "links", map[string]string{"k": "late"}); !errors.Is(err, state.ErrFenced) {
		t.Fatalf("PutRecords on expired lease: err = %v, want ErrFenced", err)
	}
	if err := s.RenewLease(ctx, old, ttl); !errors.Is(err, state.ErrFenced) {
		t.Fatalf("RenewLease on expired lease: err = %v, want ErrFenced", err)
	}

	cur, err := s.AcquireLease(ctx, "job", "new", time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease after expiry: %v", err)
	}
	if cur.Token <= old.Token {
		t.Fatalf("new token %d, want > %d", cur.Token, old.Token)
	}

	fencedWrites := map[string]error{
		"PutRecords":    s.PutRecords(ctx, old, "links", map[string]string{"k": "stale", "k2": "stale"}),
		"DeleteRecords": s.DeleteRecords(ctx, old, "links", []string{"k"}),
		"AdvanceCursor": s.AdvanceCursor(ctx, old, "modified", time.Unix(200, 0)),
		"PutDeadLetter": s.PutDeadLetter(ctx, old, state.DeadLetter{ID: "x", Reason: "stale"}),
		"RenewLease":    s.RenewLease(ctx, old, time.Minute),
		"ReleaseLease":  s.ReleaseLease(ctx, old),
	}
	for name, err := range fencedWrites {
		if !errors.Is(err, state.ErrFenced) {
			t.Errorf("%s with the old lease: err = %v, want ErrFenced", name, err)
		}
	}

	recs, err := s.Records(ctx, "links", []string{"k", "k2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs["k"] != "from-old" {
		t.Errorf("records after fenced writes = %v, want only k=from-old", recs)
	}
	c, _, err := s.Cursor(ctx, "job", "modified")
	if err != nil || !c.Equal(time.Unix(100, 0)) {
		t.Errorf("cursor after fenced write = %v, %v; want %v", c, err, time.Unix(100, 0))
	}
	dls, err := s.DeadLetters(ctx, "")
	if err != nil || len(dls) != 0 {
		t.Errorf("dead letters after fenced write = %v, %v; want none", dls, err)
	}
	// The new owner's lease survived the old owner's release attempt.
	if err := s.RenewLease(ctx, cur, time.Minute); err != nil {
		t.Errorf("RenewLease by the new owner: %v", err)
	}
	if err := s.PutRecords(ctx, cur, "links", map[string]string{"k": "new"}); err != nil {
		t.Errorf("PutRecords by the new owner: %v", err)
	}
}

func TestRenewKeepsLeaseAlive(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	const ttl = 150 * time.Millisecond
	l, err := s.AcquireLease(ctx, "job", "me", ttl)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r.Mini != nil {
			r.Mini.FastForward(ttl / 2)
		} else {
			time.Sleep(ttl / 2)
		}
		if err := s.RenewLease(ctx, l, ttl); err != nil {
			t.Fatalf("RenewLease: %v", err)
		}
	}
	if _, err := s.AcquireLease(ctx, "job", "other", ttl); !errors.Is(err, state.ErrLeaseHeld) {
		t.Fatalf("AcquireLease by other after renewals: err = %v, want ErrLeaseHeld", err)
	}
}

func TestNilLeaseIsFenced(t *testing.T) {
	s, _ := newStore(t)
	if err := s.PutRecords(testCtx(t), nil, "ns", map[string]string{"a": "b"}); !errors.Is(err, state.ErrFenced) {
		t.Fatalf("PutRecords(nil lease): err = %v, want ErrFenced", err)
	}
}

func TestBreakLeaseOnlyBreaksTheNamedOwner(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	old := mustLease(t, s, "job", "host-1-aaa")
	if owner, held, err := s.LeaseOwner(ctx, "job"); err != nil || !held || owner != "host-1-aaa" {
		t.Fatalf("LeaseOwner = %q %v %v", owner, held, err)
	}
	if broken, err := s.BreakLease(ctx, "job", "someone-else"); err != nil || broken {
		t.Fatalf("BreakLease by the wrong owner = %v %v, want false", broken, err)
	}
	if broken, err := s.BreakLease(ctx, "job", "host-1-aaa"); err != nil || !broken {
		t.Fatalf("BreakLease = %v %v, want true", broken, err)
	}
	if _, held, _ := s.LeaseOwner(ctx, "job"); held {
		t.Fatal("the lease is still held after BreakLease")
	}
	next := mustLease(t, s, "job", "host-2-bbb")
	if next.Token <= old.Token {
		t.Errorf("token after a broken lease = %d, want more than %d", next.Token, old.Token)
	}
	if err := s.PutRecords(ctx, old, "ns", map[string]string{"a": "b"}); !errors.Is(err, state.ErrFenced) {
		t.Errorf("the broken lease's owner could still write: %v", err)
	}
}

// A Redis that lost its data lost the token counter with it. A holder
// stalled across the loss must still be fenced: the tokens granted after it
// stay above those granted before (they are never below the server's clock
// in µs), and a lease is the token and the owner, so even the same token
// held by another owner is not the caller's.
func TestStalledHolderIsFencedAfterAWipe(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	stalled := mustLease(t, s, "job", "host-1-aaa")
	r.Wipe()
	now := mustLease(t, s, "job", "host-2-bbb")
	if now.Token <= stalled.Token {
		t.Errorf("token after the wipe = %d, want more than the %d granted before it", now.Token, stalled.Token)
	}
	sameToken := &state.Lease{Job: "job", Owner: stalled.Owner, Token: now.Token}
	writes := map[string]func(*state.Lease) error{
		"PutRecords": func(l *state.Lease) error { return s.PutRecords(ctx, l, "links", map[string]string{"a": l.Owner}) },
		"PutRecordSets": func(l *state.Lease) error {
			return s.PutRecordSets(ctx, l, map[string]map[string]string{"links": {"b": l.Owner}})
		},
		"DeleteRecords": func(l *state.Lease) error { return s.DeleteRecords(ctx, l, "links", []string{"c"}) },
		"AdvanceCursor": func(l *state.Lease) error { return s.AdvanceCursor(ctx, l, "modified", time.Unix(100, 0)) },
		"RewindCursor":  func(l *state.Lease) error { return s.RewindCursor(ctx, l, "modified", time.Unix(50, 0)) },
		"PutDeadLetter": func(l *state.Lease) error { return s.PutDeadLetter(ctx, l, state.DeadLetter{ID: "d", Reason: "bad"}) },
		"RenewLease":    func(l *state.Lease) error { return s.RenewLease(ctx, l, time.Minute) },
		"ReleaseLease":  func(l *state.Lease) error { return s.ReleaseLease(ctx, l) },
	}
	for _, l := range []*state.Lease{stalled, sameToken} {
		for name, write := range writes {
			if err := write(l); !errors.Is(err, state.ErrFenced) {
				t.Errorf("%s by %s with token %d: %v, want ErrFenced", name, l.Owner, l.Token, err)
			}
		}
	}
	if owner, held, err := s.LeaseOwner(ctx, "job"); err != nil || !held || owner != now.Owner {
		t.Fatalf("after the stalled holder's writes the lease is %q held=%v (%v), want %q's", owner, held, err, now.Owner)
	}
	for name, write := range writes {
		if name == "ReleaseLease" {
			continue
		}
		if err := write(now); err != nil {
			t.Errorf("%s by the holder: %v", name, err)
		}
	}
	links, err := s.Records(ctx, "links", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if links["a"] != now.Owner || links["b"] != now.Owner {
		t.Errorf("records = %v, want both written by %s", links, now.Owner)
	}
	if err := s.ReleaseLease(ctx, now); err != nil {
		t.Errorf("ReleaseLease by the holder: %v", err)
	}
}
