package jsonfields

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// sample is a struct decoded both by a table and by json.Unmarshal.
type sample struct {
	S   string  `json:"s"`
	SP  *string `json:"sp"`
	B   bool    `json:"b"`
	BP  *bool   `json:"bp"`
	I   int     `json:"i"`
	I64 int64   `json:"i64"`
	F   float64 `json:"f"`
	Ns  []int64 `json:"ns"`
	In  inner   `json:"in"`
	Std *inner  `json:"std"`
	P   *inner  `json:"p"`
}

type inner struct {
	Name string `json:"Name"`
}

func sampleTable() *Object[sample] {
	in := NewObject(map[string]Field[inner]{
		"Name": func(v *inner, b []byte, i int) (int, error) { return String(&v.Name, b, i) },
	})
	return NewObject(map[string]Field[sample]{
		"s":   func(v *sample, b []byte, i int) (int, error) { return String(&v.S, b, i) },
		"sp":  func(v *sample, b []byte, i int) (int, error) { return StringPtr(&v.SP, b, i) },
		"b":   func(v *sample, b []byte, i int) (int, error) { return Bool(&v.B, b, i) },
		"bp":  func(v *sample, b []byte, i int) (int, error) { return BoolPtr(&v.BP, b, i) },
		"i":   func(v *sample, b []byte, i int) (int, error) { return Int(&v.I, b, i) },
		"i64": func(v *sample, b []byte, i int) (int, error) { return Int(&v.I64, b, i) },
		"f":   func(v *sample, b []byte, i int) (int, error) { return Float64(&v.F, b, i) },
		"ns":  func(v *sample, b []byte, i int) (int, error) { return Slice(&v.Ns, b, i, Int[int64]) },
		"in":  func(v *sample, b []byte, i int) (int, error) { return in.Read(&v.In, b, i) },
		"std": func(v *sample, b []byte, i int) (int, error) { return Std(&v.Std, b, i) },
		"p":   func(v *sample, b []byte, i int) (int, error) { return Ptr(&v.P, b, i, in.Read) },
	})
}

// prior is what a value holds before decoding, so that null's "leave it as
// it is" and "clear it" are both seen.
func prior() sample {
	s, b := "before", true
	return sample{S: "before", SP: &s, B: true, BP: &b, I: 7, I64: 7, F: 7, Ns: []int64{7}, In: inner{"before"}, Std: &inner{"before"}, P: &inner{"before"}}
}

// TestObjectMatchesUnmarshal decodes each document into a value that
// already holds data, through the table and through json.Unmarshal: same
// result, same success.
func TestObjectMatchesUnmarshal(t *testing.T) {
	for _, doc := range []string{
		`{}`, `null`, `{"s":"x","sp":"y","b":false,"bp":false,"i":-3,"i64":9223372036854775807,"f":1.5e-3,"ns":[1,-2],"in":{"name":"n"},"std":{"Name":"m"}}`,
		`{"s":null,"sp":null,"b":null,"bp":null,"i":null,"i64":null,"f":null,"ns":null,"in":null,"std":null}`,
		`{"S":"x","SP":"y","I64":1,"NS":[],"IN":{"NAME":"n"}}`, `{"\u0073":"escaped name","s\u0070":"\u00e9\n"}`,
		`{"s":1}`, `{"sp":true}`, `{"b":"true"}`, `{"bp":0}`, `{"i":1.0}`, `{"i":1e2}`, `{"i64":9223372036854775808}`,
		`{"i64":-9223372036854775808}`, `{"i64":-9223372036854775809}`, `{"i":"1"}`, `{"f":"1"}`, `{"f":1e400}`, `{"f":-0}`,
		`{"ns":[1,"2"]}`, `{"ns":{}}`, `{"in":[]}`, `{"in":{"Name":1}}`, `{"unknown":[1,{"a":null}],"s":"kept"}`,
		`{"s":"a","s":"b","in":{"Name":"a"},"in":{}}`, `[]`, `"s"`, `1`,
		`{"p":{"Name":"n"}}`, `{"p":{}}`, `{"p":null}`, `{"p":null,"p":{"name":"again"}}`, `{"p":1}`, `{"p":[]}`, `{"p":nul}`,
	} {
		want, got := prior(), prior()
		wantErr := json.Unmarshal([]byte(doc), &want)
		gotErr := sampleTable().Decode(&got, []byte(doc))
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%s: table error %v, json.Unmarshal error %v", doc, gotErr, wantErr)
			continue
		}
		if diff := cmp.Diff(want, got); wantErr == nil && diff != "" {
			t.Errorf("%s: table differs from json.Unmarshal (-want +got):\n%s", doc, diff)
		}
	}
}

// FuzzObject compares the table with json.Unmarshal on any input: the
// table is handed what jsonscan.Delimit finds (as a walk hands a member's
// value), so it must also refuse whatever is delimited but malformed.
func FuzzObject(f *testing.F) {
	f.Add(`{"s":"x","i":-3,"f":0.5,"ns":[1],"in":{"Name":"n"},"bp":true}`)
	f.Add(`{"I64":-0,"sp":null,"std":{"name":"\u00e9"}}`)
	f.Add(`{"in":{"Name":"n",},"x":[1 2]}`)
	f.Add(`{"p":null,"P":{"Name":"x"},"p":{}}`)
	f.Add("{\"\u017f\":\"long s\",\"\u212a\":\"kelvin\"}")
	f.Fuzz(func(t *testing.T, doc string) {
		start, end, err := jsonscan.Delimit([]byte(doc), 0)
		if err != nil {
			return
		}
		raw := []byte(doc[start:end])
		want, got := prior(), prior()
		gotErr := sampleTable().Decode(&got, raw)
		if !json.Valid(raw) {
			if gotErr == nil {
				t.Fatalf("%s: malformed, yet decoded", raw)
			}
			return
		}
		wantErr := json.Unmarshal(raw, &want)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: table error %v, json.Unmarshal error %v", raw, gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got); wantErr == nil && diff != "" {
			t.Errorf("%s: table differs from json.Unmarshal (-want +got):\n%s", raw, diff)
		}
	})
}

// TestEachKeepsGoodElementsAndHandsOverBadOnes reads an array of numbers in
// which one element is of the wrong kind, one is garbled and one is refused
// by keep: each goes to bad with its bytes, and the walk goes on.
func TestEachKeepsGoodElementsAndHandsOverBadOnes(t *testing.T) {
	doc := []byte(`[1, "two", [3 4], 5, 6]`)
	var kept, bad []string
	end, err := Each(doc, 0, Int[int64], func(_ int, n *int64) error {
		if *n == 5 {
			return errors.New("five is refused")
		}
		kept = append(kept, fmt.Sprint(*n))
		return nil
	}, func(i int, raw []byte, err error) {
		bad = append(bad, fmt.Sprintf("%d:%s", i, raw))
	})
	if err != nil || end != len(doc) {
		t.Fatalf("Each = %d, %v", end, err)
	}
	if got := strings.Join(kept, ","); got != "1,6" {
		t.Errorf("kept %s, want 1,6", got)
	}
	if got := strings.Join(bad, " "); got != `1:"two" 2:[3 4] 3:5` {
		t.Errorf("bad %s", got)
	}
	if _, err := Each([]byte(`null`), 0, Int[int64], func(int, *int64) error { t.Error("kept from null"); return nil }, nil); err != nil {
		t.Errorf("Each(null) = %v", err)
	}
	if _, err := Each([]byte(`{"a":1}`), 0, Int[int64], nil, nil); err == nil {
		t.Error("Each read an object as an array")
	}
	if _, err := Each([]byte(`[1, [2`), 0, Int[int64], func(int, *int64) error { return nil }, func(int, []byte, error) {}); err == nil {
		t.Error("Each went on past an element whose end cannot be found")
	}
}
