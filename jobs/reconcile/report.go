package reconcile

import "time"

// The kinds of divergence, as reported and as the label of
// shipsync_drift_items.
const (
	KindMissingImport  = "missing_import"
	KindMissingPush    = "missing_push"
	KindStalePush      = "stale_push"
	KindMissingPackage = "missing_package"
	KindStalePackage   = "stale_package"
	KindMissingCancel  = "missing_cancel"
	KindMissingShipped = "missing_shipped"
	KindMissingAck     = "missing_ack"
)

// Kinds lists every kind, in report order.
var Kinds = []string{KindMissingImport, KindMissingPush, KindStalePush, KindMissingPackage,
	KindStalePackage, KindMissingCancel, KindMissingShipped, KindMissingAck}

// What an item the owning job parked is, instead of drift; or why the
// owning job does not repair it: its schedule is off (ParkedOwnerOff), or
// its configuration did not resolve in the preflight (ParkedOwnerDisabled).
const (
	ParkedDeadLettered  = "dead_lettered"
	ParkedDropped       = "dropped"
	ParkedOwnerOff      = "owner_off"
	ParkedOwnerDisabled = "owner_disabled"
)

// Item is one divergence.
type Item struct {
	Kind string `json:"kind"`
	// Job is the job that owns the repair.
	Job string `json:"job"`
	// ID is the item's id in the owner's records and dead letters.
	ID string `json:"id"`
	// Refs are the ids on both sides (quipt_order_id, ss_order_id, ...).
	Refs map[string]string `json:"refs,omitempty"`
	// Parked is ParkedDeadLettered or ParkedDropped when the owner set the
	// item aside on purpose, ParkedOwnerOff or ParkedOwnerDisabled when the
	// owner does not run on its own: reported, not drift, not repaired.
	Parked string `json:"parked,omitempty"`

	// record and cursor say how the item is made eligible again: the
	// owner's record to clear (namespace, id) and the owner's cursor to
	// rewind to at.
	record [2]string
	cursor string
	at     time.Time
	// mark is the owner's record to set (namespace, id) to the repair's time
	// instead: push-orders' version guard for a stale_push.
	mark [2]string
}

// key identifies an item across two comparisons.
func (it Item) key() string { return it.Kind + "/" + it.ID }

// Items are the divergences one comparison found.
type Items []Item

// Drift returns the items that are not parked.
func (is Items) Drift() Items {
	var out Items
	for _, it := range is {
		if it.Parked == "" {
			out = append(out, it)
		}
	}
	return out
}

// byKind counts the drift per kind, every kind present.
func (is Items) byKind() map[string]int {
	out := make(map[string]int, len(Kinds))
	for _, k := range Kinds {
		out[k] = 0
	}
	for _, it := range is.Drift() {
		out[it.Kind]++
	}
	return out
}

// Report is what one reconcile found, repaired and left.
type Report struct {
	Days       int  `json:"days"`
	ReportOnly bool `json:"report_only"`
	// Found is every divergence of the first comparison, parked ones too.
	Found Items `json:"found"`
	// Repaired are the divergences found that the second comparison, after
	// the owning jobs ran, no longer shows.
	Repaired Items `json:"repaired"`
	// Left is the drift still there at the end (Found's drift when nothing
	// was repaired).
	Left         Items          `json:"left"`
	Parked       Items          `json:"parked"`
	FoundByKind  map[string]int `json:"found_by_kind"`
	LeftByKind   map[string]int `json:"drift_by_kind"`
	RepairErrors []string       `json:"repair_errors,omitempty"`
}

// complete derives Repaired, Parked and the counts from Found and Left.
func (r *Report) complete() {
	left := make(map[string]bool, len(r.Left))
	for _, it := range r.Left.Drift() {
		left[it.key()] = true
	}
	r.Repaired = nil
	if !r.ReportOnly {
		for _, it := range r.Found.Drift() {
			if !left[it.key()] {
				r.Repaired = append(r.Repaired, it)
			}
		}
	}
	r.Parked = nil
	for _, it := range r.Found {
		if it.Parked != "" {
			r.Parked = append(r.Parked, it)
		}
	}
	r.Left = r.Left.Drift()
	r.FoundByKind = r.Found.byKind()
	r.LeftByKind = r.Left.byKind()
}

// Drift is the number of divergences left.
func (r *Report) Drift() int { return len(r.Left) }
