package jsonwrite

import (
	"encoding/json"
	"math"
	"testing"
)

type sample struct {
	A float64 `json:"a"`
}

// TestAppendIsMarshal checks Append against json.Marshal on the
// kinds of value the groups hold, the edges of float formatting included.
func TestAppendIsMarshal(t *testing.T) {
	var nilStrings []string
	for _, v := range []any{
		"", "plain", "<&>\u2028\u2029\"\\\n\x01é\xff",
		0.0, math.Copysign(0, -1), 1.0, -2.5, 0.1, 1e-6, 9.99999e-7, 1e-7, 1.5e-300, 1e20, 1e21, 123456789012345678901234.0,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 12.345,
		0, -1, int64(math.MaxInt64), int64(math.MinInt64), true, false,
		nilStrings, []string{}, []string{"a", "<"}, []float64{0.5, 1e22}, []int64{}, []int64{1, -2},
		[]any{"x", 1, 2.5, true, nil}, [][]any{{"a", 1}, {}}, [][]any(nil),
		sample{A: 1e-7}, (*sample)(nil),
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Append([]byte("prefix"), v)
		if err != nil {
			t.Fatalf("Append(%#v): %v", v, err)
		}
		if string(got) != "prefix"+string(want) {
			t.Errorf("Append(%#v) = %s, json.Marshal %s", v, got[len("prefix"):], want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := Append(nil, f); err == nil {
			t.Errorf("Append(%v) gave no error; json.Marshal refuses it", f)
		}
	}
}

// FuzzAppend checks appendJSON against json.Marshal on any float64
// and any string.
func FuzzAppend(f *testing.F) {
	f.Add(1e-7, "a<b")
	f.Add(1e21, "\u2028")
	f.Fuzz(func(t *testing.T, x float64, s string) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		v := []any{x, s}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Append(nil, v)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendJSON = %s, %v; json.Marshal %s", got, err, want)
		}
	})
}

// TestAppendStringEveryByte checks AppendString against json.Marshal on
// every byte value, alone and inside plain text.
func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			want, _ := json.Marshal(s)
			if got := AppendString(nil, s); string(got) != string(want) {
				t.Errorf("AppendString(%q) = %s, json.Marshal %s", s, got, want)
			}
		}
	}
}

// TestArrayIsMarshal checks Array against json.Marshal of the same []any.
func TestArrayIsMarshal(t *testing.T) {
	a := BeginArray([]byte("x"))
	a.String("<a>")
	a.Int(-3)
	a.Float(1e-7)
	a.Bool(true)
	a.Value(sample{A: 2})
	a.Value([]int64(nil))
	a.Array(func(inner *Array) { inner.String("x"); inner.Float(0.5) })
	a.Object(func(o *Object) { o.Float("a", 2, false) })
	got, err := a.End()
	want, _ := json.Marshal([]any{"<a>", -3, 1e-7, true, sample{A: 2}, []int64(nil), []any{"x", 0.5}, sample{A: 2}})
	if err != nil || string(got) != "x"+string(want) {
		t.Errorf("Array wrote %s, %v; json.Marshal %s", got, err, want)
	}
	empty := BeginArray(nil)
	if got, _ := empty.End(); string(got) != "[]" {
		t.Errorf("an empty Array wrote %s", got)
	}
}

// TestObjectIsMarshal checks Object against json.Marshal of a struct with
// the same members.
func TestObjectIsMarshal(t *testing.T) {
	type inner struct {
		N string `json:"n"`
	}
	type whole struct {
		S   string   `json:"s"`
		E   string   `json:"e,omitempty"`
		SP  *string  `json:"sp"`
		SN  *string  `json:"sn"`
		BP  *bool    `json:"bp"`
		BN  *bool    `json:"bn"`
		I   int64    `json:"i"`
		F   float64  `json:"f"`
		B   bool     `json:"b"`
		In  inner    `json:"in"`
		Arr []string `json:"arr"`
		Nil []string `json:"nil"`
		V   []int64  `json:"v"`
	}
	s, yes := "<p>", true
	v := whole{S: "a\"b", SP: &s, BP: &yes, I: -7, F: 1e21, B: true, In: inner{"x"}, Arr: []string{"y"}, V: []int64{1}}
	want, _ := json.Marshal(v)
	o := Begin(nil)
	o.String("s", v.S, false)
	o.String("e", v.E, true)
	o.StringPtr("sp", v.SP, false)
	o.StringPtr("sn", v.SN, false)
	o.BoolPtr("bp", v.BP, false)
	o.BoolPtr("bn", v.BN, false)
	o.Int("i", v.I, false)
	o.Float("f", v.F, false)
	o.Bool("b", v.B, false)
	o.Object("in", func(in *Object) { in.String("n", v.In.N, false) })
	o.Array("arr", v.Arr == nil, func(a *Array) { a.String(v.Arr[0]) })
	o.Array("nil", v.Nil == nil, func(a *Array) { t.Error("a nil slice was filled") })
	o.Value("v", v.V)
	got, err := o.End()
	if err != nil || string(got) != string(want) {
		t.Errorf("Object wrote %s, %v; json.Marshal %s", got, err, want)
	}
}

// TestObjectAndArrayKeepTheFirstError: a value json.Marshal refuses (NaN)
// makes End report it, however deep it was written.
func TestObjectAndArrayKeepTheFirstError(t *testing.T) {
	o := Begin(nil)
	o.Float("ok", 1, false)
	o.Array("list", false, func(a *Array) { a.Float(math.NaN()) })
	o.Float("inf", math.Inf(1), false)
	if _, err := o.End(); err == nil {
		t.Error("an object holding NaN ended without an error")
	}
	a := BeginArray(nil)
	a.Object(func(o *Object) { o.Value("v", math.Inf(-1)) })
	if _, err := a.End(); err == nil {
		t.Error("an array holding -Inf ended without an error")
	}
}

// TestNestingKeepsEachLevelsCommas: objects and arrays nest in one another
// (sharing one state, see Object.Object), and every level still writes its
// own commas: after an empty inner value, after a full one, three deep.
func TestNestingKeepsEachLevelsCommas(t *testing.T) {
	o := Begin(nil)
	o.Object("empty", func(*Object) {})
	o.Array("deep", false, func(a *Array) {
		a.Array(func(*Array) {})
		a.Object(func(in *Object) {
			in.Int("a", 1, false)
			in.Array("b", false, func(b *Array) { b.Int(2); b.Object(func(*Object) {}); b.Int(3) })
			in.Int("c", 4, false)
		})
		a.Int(5)
	})
	o.String("last", "z", false)
	got, err := o.End()
	want := `{"empty":{},"deep":[[],{"a":1,"b":[2,{},3],"c":4},5],"last":"z"}`
	if err != nil || string(got) != want {
		t.Errorf("nested writing gave %s, %v; want %s", got, err, want)
	}
	var v any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Errorf("nested writing is not JSON: %v", err)
	}
}
