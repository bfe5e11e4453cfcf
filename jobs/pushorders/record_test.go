package pushorders

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
)

// TestRecordEncodeIsMarshal checks that the hand-written encode writes the
// bytes json.Marshal writes for the same record.
func TestRecordEncodeIsMarshal(t *testing.T) {
	version := time.Date(2026, 3, 2, 17, 1, 2, 123456789, time.UTC)
	pacific := time.FixedZone("PST", -8*3600)
	groups := groupHashes(&shipstation.Order{OrderNumber: "Q-1", OrderKey: "quipt:1", TagIDs: []int64{3, 1}})
	for name, r := range map[string]pushRecord{
		"zero":          {},
		"new":           {Hash: "ab12", Version: version, SSOrderID: 81234, Groups: groups},
		"acked":         {Hash: "ab12", Version: version.In(pacific), SSOrderID: 81234, Acked: true, PushedAt: version.Add(time.Second), Groups: groups},
		"quipt":         {Hash: "ab12", Version: version, SSOrderID: -1, Groups: groups, Quipt: map[string]string{"weight": "0011", "items": "ff"}},
		"empty maps":    {Hash: "ab12", Groups: map[string]string{}, Quipt: map[string]string{}},
		"escapes":       {Hash: "<a&b>\"\\\n\u2028é\xff", Groups: map[string]string{"ü": "\t", "<": ">", "": ""}},
		"whole seconds": {Hash: "x", Version: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PushedAt: time.Unix(1, 0).In(pacific)},
	} {
		t.Run(name, func(t *testing.T) {
			checkEncodeIsMarshal(t, r)
		})
	}
}

// FuzzRecordEncode checks encode against json.Marshal on any text.
func FuzzRecordEncode(f *testing.F) {
	f.Add("ab12", "ship_to", "0123456789abcdef", int64(1772470862123456789), int64(81234), true)
	f.Add("<&>", "\u2028", "\xff\"\\", int64(0), int64(-1), false)
	f.Fuzz(func(t *testing.T, hash, key, value string, nanos, id int64, acked bool) {
		at := time.Unix(0, nanos).UTC()
		checkEncodeIsMarshal(t, pushRecord{Hash: hash, Version: at, SSOrderID: id, Acked: acked, PushedAt: at,
			Groups: map[string]string{key: value, "other": hash}, Quipt: map[string]string{value: key}})
	})
}

func checkEncodeIsMarshal(t *testing.T, r pushRecord) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("encode:\n%s\njson.Marshal:\n%s", got, want)
	}
}
