package state_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/state"
)

// cancelledCtx returns a context that is done before any call is made, as a
// run's context is after SIGTERM's grace, its timeout or a cancelled once.
func cancelledCtx(t *testing.T, deadline bool) context.Context {
	t.Helper()
	if deadline {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		t.Cleanup(cancel)
		return ctx
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// A fenced write records work already done remotely: it must reach Redis even
// when the run's context has ended, or the record of the effect is lost.
func TestFencedWritesOutliveTheCallersContext(t *testing.T) {
	for name, deadline := range map[string]bool{"cancelled": false, "deadline exceeded": true} {
		t.Run(name, func(t *testing.T) {
			s, _ := newStore(t)
			ctx := testCtx(t)
			l := mustLease(t, s, "job", "me")
			if err := s.PutRecords(ctx, l, "gone", map[string]string{"x": "1"}); err != nil {
				t.Fatal(err)
			}
			done := cancelledCtx(t, deadline)

			writes := map[string]error{
				"PutRecords":    s.PutRecords(done, l, "links", map[string]string{"a": "1"}),
				"PutRecordSets": s.PutRecordSets(done, l, map[string]map[string]string{"links": {"b": "2"}, "applied": {"c": "3"}}),
				"DeleteRecords": s.DeleteRecords(done, l, "gone", []string{"x"}),
				"AdvanceCursor": s.AdvanceCursor(done, l, "modified", time.Unix(100, 0)),
				"PutDeadLetter": s.PutDeadLetter(done, l, state.DeadLetter{ID: "d", Reason: "bad"}),
			}
			for name, err := range writes {
				if err != nil {
					t.Errorf("%s with a done context: %v, want the write made", name, err)
				}
			}

			links, err := s.Records(ctx, "links", []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(map[string]string{"a": "1", "b": "2"}, links); d != "" {
				t.Errorf("links (-want +got):\n%s", d)
			}
			if applied, err := s.Records(ctx, "applied", []string{"c"}); err != nil || applied["c"] != "3" {
				t.Errorf("applied = %v, %v; want c=3", applied, err)
			}
			if gone, err := s.Records(ctx, "gone", []string{"x"}); err != nil || len(gone) != 0 {
				t.Errorf("deleted records = %v, %v; want none", gone, err)
			}
			if c, ok, err := s.Cursor(ctx, "job", "modified"); err != nil || !ok || !c.Equal(time.Unix(100, 0)) {
				t.Errorf("cursor = %v, %v, %v; want %v", c, ok, err, time.Unix(100, 0))
			}
			if dls, err := s.DeadLetters(ctx, "job"); err != nil || len(dls) != 1 || dls[0].ID != "d" {
				t.Errorf("dead letters = %v, %v; want d", dls, err)
			}

			// Giving the lease back at the end of a cancelled run works too, so
			// the next run need not wait for it to expire.
			if err := s.ReleaseLease(done, l); err != nil {
				t.Errorf("ReleaseLease with a done context: %v", err)
			}
			if _, err := s.AcquireLease(ctx, "job", "next", time.Minute); err != nil {
				t.Errorf("AcquireLease after the release: %v", err)
			}
		})
	}
}

// Detaching from the caller's cancellation does not weaken the fence: a stale
// lease is refused whatever the context.
func TestFencedWritesWithDoneContextStillFenced(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	cur := mustLease(t, s, "job", "me")
	stale := *cur
	stale.Token--
	done := cancelledCtx(t, false)

	writes := map[string]error{
		"PutRecords":    s.PutRecords(done, &stale, "links", map[string]string{"a": "1"}),
		"PutRecordSets": s.PutRecordSets(done, &stale, map[string]map[string]string{"links": {"b": "2"}}),
		"DeleteRecords": s.DeleteRecords(done, &stale, "links", []string{"a"}),
		"AdvanceCursor": s.AdvanceCursor(done, &stale, "modified", time.Unix(100, 0)),
		"PutDeadLetter": s.PutDeadLetter(done, &stale, state.DeadLetter{ID: "d", Reason: "bad"}),
		"ReleaseLease":  s.ReleaseLease(done, &stale),
	}
	for name, err := range writes {
		if !errors.Is(err, state.ErrFenced) {
			t.Errorf("%s with a stale lease and a done context: err = %v, want ErrFenced", name, err)
		}
	}
	if recs, err := s.Records(ctx, "links", []string{"a", "b"}); err != nil || len(recs) != 0 {
		t.Errorf("records after fenced writes = %v, %v; want none", recs, err)
	}
	if _, ok, err := s.Cursor(ctx, "job", "modified"); err != nil || ok {
		t.Errorf("cursor after a fenced write: set %v, %v; want unset", ok, err)
	}
	if dls, err := s.DeadLetters(ctx, ""); err != nil || len(dls) != 0 {
		t.Errorf("dead letters after a fenced write = %v, %v; want none", dls, err)
	}
	if err := s.RenewLease(ctx, cur, time.Minute); err != nil {
		t.Errorf("the current lease after the stale release: %v", err)
	}
}

// A renewal is not a record of work done: with a done context it is not sent,
// so a scheduler that stopped its run cannot extend the lease by accident.
func TestRenewLeaseHonoursTheCallersContext(t *testing.T) {
	s, _ := newStore(t)
	l := mustLease(t, s, "job", "me")
	if err := s.RenewLease(cancelledCtx(t, false), l, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("RenewLease with a cancelled context: err = %v, want context.Canceled", err)
	}
}
