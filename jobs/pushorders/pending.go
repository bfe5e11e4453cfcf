package pushorders

import (
	"context"

	"github.com/shipsync/shipsync/jobs"
)

// deferAcked keeps recs, the records an acknowledgement step rewrote as
// Acked, for the run's next fenced write (the records of the next page's
// orders ShipStation holds, or the end of the pass), so that a page costs
// one Redis write instead of two. The records of what ShipStation holds are
// still written before their orders are acknowledged. A crash before the
// deferred write only leaves orders not marked Acked: the next run
// acknowledges them again, which Quipt answers as a duplicate. When err is
// not nil (the step stopped) everything waiting is written at once.
func (p *pass) deferAcked(ctx context.Context, recs jobs.Records, err error) error {
	if err != nil {
		return p.run.Record(ctx, p.withDeferred(recs), err)
	}
	p.deferred = p.withDeferred(recs)
	return nil
}

// withDeferred returns the deferred records with recs over them, and leaves
// nothing deferred.
func (p *pass) withDeferred(recs jobs.Records) jobs.Records {
	all := p.deferred
	p.deferred = nil
	if all == nil {
		return recs
	}
	all.Merge(recs)
	return all
}
