package state_test

import (
	"testing"

	"github.com/shipsync/shipsync/state"
)

func TestAccountFacts(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	if _, ok, err := s.AccountFact(ctx, state.FactUSPSCode); ok || err != nil {
		t.Fatalf("fact before any was recorded: %v %v", ok, err)
	}
	if err := s.PutAccountFact(ctx, state.FactUSPSCode, "usps"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.AccountFact(ctx, state.FactUSPSCode); v != "usps" || !ok || err != nil {
		t.Fatalf("fact = %q %v %v, want usps", v, ok, err)
	}
}
