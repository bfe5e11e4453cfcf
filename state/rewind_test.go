package state_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shipsync/shipsync/state"
)

func TestRewindCursorOnlyMovesBackAndIsFenced(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "sync-tracking", "reconcile")

	t1 := time.Date(2026, 3, 2, 17, 0, 0, 500, time.UTC)
	if err := s.RewindCursor(ctx, l, "created", t1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Cursor(ctx, "sync-tracking", "created"); ok {
		t.Fatal("rewinding an unset cursor set it")
	}
	if err := s.AdvanceCursor(ctx, l, "created", t1); err != nil {
		t.Fatal(err)
	}
	steps := []struct{ set, want time.Time }{
		{t1.Add(time.Hour), t1},      // forward: ignored
		{t1, t1},                     // equal: unchanged
		{t1.Add(-100), t1.Add(-100)}, // back within the second
		{t1.Add(-48 * time.Hour), t1.Add(-48 * time.Hour)},
	}
	for i, st := range steps {
		if err := s.RewindCursor(ctx, l, "created", st.set); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got, _, _ := s.Cursor(ctx, "sync-tracking", "created"); !got.Equal(st.want) {
			t.Fatalf("step %d: cursor = %v, want %v", i, got, st.want)
		}
	}

	if err := s.ReleaseLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	mustLease(t, s, "sync-tracking", "replica-2")
	if err := s.RewindCursor(ctx, l, "created", t1.Add(-96*time.Hour)); !errors.Is(err, state.ErrFenced) {
		t.Fatalf("rewind with a lost lease: err = %v, want ErrFenced", err)
	}
	if got, _, _ := s.Cursor(ctx, "sync-tracking", "created"); !got.Equal(t1.Add(-48 * time.Hour)) {
		t.Fatalf("a fenced rewind moved the cursor to %v", got)
	}
}
