package daemon

import (
	"strings"
	"testing"

	"github.com/shipsync/shipsync/jobs"
)

// TestRetryNoteSaysWhenEachJobListsTheItemAgain: a retried dead letter is
// processed again only when its job lists the item again, which differs by
// job; the note logged for it says when, not "on the next run" for all.
func TestRetryNoteSaysWhenEachJobListsTheItemAgain(t *testing.T) {
	want := map[string]string{
		jobs.NamePushOrders:   "next run",
		jobs.NameLinkListings: "next run",
		jobs.NameGetOrders:    "GET_ORDERS_SWEEP",
		jobs.NameSyncTracking: "overlap, else through the next reconcile",
		jobs.NameSyncCancels:  "overlap, else through the next reconcile",
	}
	for job, part := range want {
		if got := retryNote(job); !strings.Contains(got, part) {
			t.Errorf("retryNote(%s) = %q, want it to say %q", job, got, part)
		}
	}
}
