package calls

import (
	"context"
	"testing"
)

func TestAddCountsPerUpstream(t *testing.T) {
	var c Counter
	ctx := WithCounter(context.Background(), &c)
	Add(ctx, ShipStation)
	Add(ctx, ShipStation)
	Add(ctx, Quipt)
	Add(context.Background(), ShipStation) // no counter: ignored
	if c.ShipStation() != 2 || c.Quipt() != 1 {
		t.Fatalf("got ShipStation=%d Quipt=%d, want 2 and 1", c.ShipStation(), c.Quipt())
	}
}
