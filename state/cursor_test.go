package state_test

import (
	"testing"
	"time"
)

func TestCursorOnlyMovesForward(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "sync-cancels", "me")

	if _, ok, err := s.Cursor(ctx, "sync-cancels", "modified"); err != nil || ok {
		t.Fatalf("unset cursor: ok=%v err=%v", ok, err)
	}
	pacific, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2024, 11, 3, 1, 30, 0, 123456700, pacific)
	steps := []struct {
		set, want time.Time
	}{
		{t1, t1},
		{t1.Add(-time.Hour), t1},             // backwards: ignored
		{t1.Add(-100 * time.Nanosecond), t1}, // backwards within the second
		{t1, t1},                             // equal: unchanged
		{t1.Add(100 * time.Nanosecond), t1.Add(100)}, // forward by 100 ns
		{t1.Add(time.Hour), t1.Add(time.Hour)},
		{time.Unix(-5, 10), t1.Add(time.Hour)}, // before 1970: ignored
	}
	for i, st := range steps {
		if err := s.AdvanceCursor(ctx, l, "modified", st.set); err != nil {
			t.Fatalf("step %d: AdvanceCursor(%v): %v", i, st.set, err)
		}
		got, ok, err := s.Cursor(ctx, "sync-cancels", "modified")
		if err != nil || !ok {
			t.Fatalf("step %d: Cursor: ok=%v err=%v", i, ok, err)
		}
		if !got.Equal(st.want) {
			t.Fatalf("step %d: cursor = %v, want %v", i, got, st.want)
		}
		if got.Location() != time.UTC {
			t.Fatalf("step %d: cursor location = %v, want UTC", i, got.Location())
		}
	}
	// Cursors of one job are independent by name.
	if _, ok, _ := s.Cursor(ctx, "sync-cancels", "other"); ok {
		t.Fatal("cursor 'other' is set, want unset")
	}
}

func TestCursorBeforeEpoch(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	l := mustLease(t, s, "job", "me")
	early := time.Unix(-5, 10)
	if err := s.AdvanceCursor(ctx, l, "c", early); err != nil {
		t.Fatal(err)
	}
	later := time.Unix(-1, 5)
	if err := s.AdvanceCursor(ctx, l, "c", later); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.Cursor(ctx, "job", "c")
	if err != nil || !got.Equal(later) {
		t.Fatalf("cursor = %v, %v; want %v", got, err, later)
	}
}
