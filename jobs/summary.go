package jobs

// Summary counts what one run did. Every job reports the common counters; a
// job adds its own under Extra.
type Summary struct {
	Seen    int
	Created int
	Updated int
	// Existing counts items whose effect upstream already held (a duplicate
	// answer): recorded, not created or updated again.
	Existing     int
	Skipped      int
	DeadLettered int
	// Extra holds job-specific counters (assigned, voided, linked, ...).
	Extra map[string]int
	// Lists holds job-specific lists of names (the unlinked SKUs, ...) for
	// the summary line only; they feed no metric.
	Lists map[string]List
}

// List is a list of names on the summary line: the first names, and how
// many more were left off.
type List struct {
	Names []string
	More  int
}

// List sets the list called name to the first limit of names (all of them
// when limit ≤ 0). Execute logs it as a JSON array under name and, when names
// were left off, their number under name + "_more".
func (s *Summary) List(name string, names []string, limit int) {
	if s.Lists == nil {
		s.Lists = map[string]List{}
	}
	if limit <= 0 || limit > len(names) {
		limit = len(names)
	}
	s.Lists[name] = List{Names: append([]string{}, names[:limit]...), More: len(names) - limit}
}

// Add increments a job-specific counter.
func (s *Summary) Add(name string, n int) {
	if s.Extra == nil {
		s.Extra = map[string]int{}
	}
	s.Extra[name] += n
}

// Skip counts one item skipped: in Skipped, and under the job-specific
// counter reason (skipped_parked, already_applied, ...). An empty reason
// counts Skipped only.
func (s *Summary) Skip(reason string) {
	s.Skipped++
	if reason != "" {
		s.Add(reason, 1)
	}
}

// Exist counts one item whose effect upstream already held (a duplicate
// answer): in Existing, and under the job-specific counter reason
// (already_applied, already_in_quipt, ...).
func (s *Summary) Exist(reason string) {
	s.Existing++
	s.Add(reason, 1)
}

// merge adds the counters of o to s. Lists are not merged: they belong to
// the run, not to an item.
func (s *Summary) merge(o *Summary) {
	s.Seen += o.Seen
	s.Created += o.Created
	s.Updated += o.Updated
	s.Existing += o.Existing
	s.Skipped += o.Skipped
	s.DeadLettered += o.DeadLettered
	for k, v := range o.Extra {
		s.Add(k, v)
	}
}
