package jobstest

import (
	"bytes"
	"encoding/json"
	"sync"
)

// LogBuffer collects JSON log lines written concurrently.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Events returns the decoded lines whose "event" field equals event.
func (b *LogBuffer) Events(event string) []map[string]any {
	var out []map[string]any
	for _, line := range bytes.Split([]byte(b.String()), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) == nil && m["event"] == event {
			out = append(out, m)
		}
	}
	return out
}

// LastSummary returns the last run_summary line, or nil.
func (b *LogBuffer) LastSummary() map[string]any {
	s := b.Events("run_summary")
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}
