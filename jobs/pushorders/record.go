package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/jsonwrite"
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

// encode returns the record as JSON: the bytes json.Marshal writes for it
// (TestRecordEncodeIsMarshal), appended by hand since a record is encoded
// twice for every order pushed and encoding/json spent that time on
// reflection and on sorting the keys of the maps.
func (r pushRecord) encode() (string, error) {
	version, err := r.Version.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("encode push record: %w", err)
	}
	b := make([]byte, 0, 128+48*(len(r.Groups)+len(r.Quipt)))
	b = append(b, `{"hash":`...)
	b = jsonwrite.AppendString(b, r.Hash)
	b = append(b, `,"version":`...)
	b = append(b, version...)
	b = append(b, `,"ss_order_id":`...)
	b = strconv.AppendInt(b, r.SSOrderID, 10)
	b = append(b, `,"acked":`...)
	b = strconv.AppendBool(b, r.Acked)
	if !r.PushedAt.IsZero() {
		pushedAt, err := r.PushedAt.MarshalJSON()
		if err != nil {
			return "", fmt.Errorf("encode push record: %w", err)
		}
		b = append(b, `,"pushed_at":`...)
		b = append(b, pushedAt...)
	}
	if len(r.Groups) > 0 {
		b = append(b, `,"groups":`...)
		b = appendStringMap(b, r.Groups)
	}
	if len(r.Quipt) > 0 {
		b = append(b, `,"quipt":`...)
		b = appendStringMap(b, r.Quipt)
	}
	return string(append(b, '}')), nil
}

// appendStringMap appends m as a JSON object, its keys sorted as
// json.Marshal sorts them.
func appendStringMap(b []byte, m map[string]string) []byte {
	var stack [32]member
	b = append(b, '{')
	for i, mem := range sortedMembers(stack[:0], m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonwrite.AppendString(b, mem.key)
		b = append(b, ':')
		b = jsonwrite.AppendString(b, mem.value)
	}
	return append(b, '}')
}

// member is one name and value of a record's map.
type member struct{ key, value string }

// sortedMembers appends the members of m to members in the byte order of
// their names. A map of every field group (a record's Groups) is taken in
// groupOrder by looking each name up; any other map is sorted.
func sortedMembers(members []member, m map[string]string) []member {
	if len(m) == len(groupOrder) {
		for _, name := range groupOrder {
			v, ok := m[name]
			if !ok {
				break
			}
			members = append(members, member{name, v})
		}
		if len(members) == len(m) {
			return members
		}
		members = members[:0]
	}
	for k, v := range m {
		members = append(members, member{k, v})
	}
	slices.SortFunc(members, func(x, y member) int { return strings.Compare(x.key, y.key) })
	return members
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
// sends it (shipstation.AppendOrder; o carries no read-only or volatile
// field, so it is json.Marshal(o): TestContentHashIsTheHashOfMarshal), so
// two pushes hash equal when, and only when, they would send the same order.
// The JSON is written over *scratch, which keeps the grown buffer for the
// next order.
func contentHash(o *shipstation.Order, scratch *[]byte) (string, error) {
	b, err := shipstation.AppendOrder((*scratch)[:0], o)
	*scratch = b
	if err != nil {
		return "", fmt.Errorf("hash order %s: %w", o.OrderKey, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
