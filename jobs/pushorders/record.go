package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
)

// pushRecord is the value of a Quipt order Id in jobs.NSPushed: what
// push-orders last sent for the order and what became of it, as JSON
// {"hash","version","ss_order_id","acked"}.
type pushRecord struct {
	// Hash is contentHash of the order as last sent.
	Hash string `json:"hash"`
	// Version is the Quipt UpdatedAt of the order as last sent.
	Version time.Time `json:"version"`
	// SSOrderID is the ShipStation orderId that holds the order.
	SSOrderID int64 `json:"ss_order_id"`
	// Acked is true once the order was accepted in Quipt.
	Acked bool `json:"acked"`
	// PushedAt is when the order was last sent (zero in records written
	// before field groups were kept).
	PushedAt time.Time `json:"pushed_at,omitzero"`
	// Groups is the merge base: the hash of each field group as last sent.
	Groups map[string]string `json:"groups,omitempty"`
	// Quipt holds, for the groups whose value sent was not Quipt's (a
	// person's weight kept, say), the hash of Quipt's value then, so that a
	// later merge can tell whether Quipt changed the group.
	Quipt map[string]string `json:"quipt,omitempty"`
}

func (r pushRecord) encode() (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode push record: %w", err)
	}
	return string(b), nil
}

// Accepted reports whether rec, push-orders' record of a Quipt order in
// jobs.NSPushed, says the order was accepted in Quipt.
func Accepted(rec string) bool {
	r, err := decodeRecord(rec)
	return err == nil && r.Acked
}

func decodeRecord(s string) (pushRecord, error) {
	var r pushRecord
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return pushRecord{}, fmt.Errorf("decode push record: %w", err)
	}
	if r.Hash == "" || r.SSOrderID == 0 {
		return pushRecord{}, fmt.Errorf("decode push record: hash or ss_order_id missing in %q", s)
	}
	return r, nil
}

// contentHash is the hex SHA-256 of the JSON of o exactly as createorders
// sends it (o carries no read-only or volatile field), so two pushes hash
// equal when, and only when, they would send the same order.
func contentHash(o shipstation.Order) (string, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("hash order %s: %w", o.OrderKey, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
