package quipt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/jsonscan"
)

// lenientTime reads a Quipt timestamp: RFC 3339 (UTC per the docs), the same
// without a zone (read as UTC), a date alone, or null or "" (zero). A record
// whose only flaw is an empty or zone-less time is still worked with.
type lenientTime struct{ time.Time }

func (t *lenientTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	s, err := jsonscan.String(b)
	if err != nil {
		return fmt.Errorf("timestamp %s: %w", b, err)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp %q is not RFC 3339", s)
}

// UnmarshalJSON decodes an order, reading its times leniently.
func (o *Order) UnmarshalJSON(b []byte) error {
	w := newOrderWire(o)
	if err := json.Unmarshal(b, w); err != nil {
		return err
	}
	w.finish()
	return nil
}

// plainOrder is Order without its UnmarshalJSON.
type plainOrder Order

// orderWire is the form an Order is decoded in: its fields, decoded into the
// Order, with the times read leniently (these fields shadow the Order's).
type orderWire struct {
	*plainOrder
	CreatedAt lenientTime `json:"CreatedAt"`
	UpdatedAt lenientTime `json:"UpdatedAt"`
}

// newOrderWire returns the wire form that decodes into o.
func newOrderWire(o *Order) *orderWire { return &orderWire{plainOrder: (*plainOrder)(o)} }

// finish sets the Order's times from the lenient ones.
func (w *orderWire) finish() {
	w.plainOrder.CreatedAt, w.plainOrder.UpdatedAt = w.CreatedAt.Time, w.UpdatedAt.Time
}

// UnmarshalJSON decodes a cancellation, reading its time leniently.
func (c *Cancellation) UnmarshalJSON(b []byte) error {
	type plain Cancellation
	aux := struct {
		*plain
		CreatedAt lenientTime `json:"CreatedAt"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.CreatedAt = aux.CreatedAt.Time
	return nil
}

// UnmarshalJSON decodes an inventory record, reading its time leniently.
func (i *InventoryItem) UnmarshalJSON(b []byte) error {
	type plain InventoryItem
	aux := struct {
		*plain
		UpdatedAt lenientTime `json:"UpdatedAt"`
	}{plain: (*plain)(i)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	i.UpdatedAt = aux.UpdatedAt.Time
	return nil
}
