package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestValueFindsTheEndOfEachKind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"a\"b\\" ,`, `"a\"b\\"`},
		{`  {"a": [1, {"b": "}"}], "c": null}x`, `{"a": [1, {"b": "}"}], "c": null}`},
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`-12.5e+3]`, `-12.5e+3`},
		{`true}`, `true`},
		{`false`, `false`},
		{`null ,`, `null`},
		{`"\u00e9"`, `"\u00e9"`},
	} {
		start, end, err := Value([]byte(tc.in), 0)
		if err != nil {
			t.Errorf("Value(%q): %v", tc.in, err)
			continue
		}
		if got := tc.in[start:end]; got != tc.want {
			t.Errorf("Value(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValueRefusesMalformedInput(t *testing.T) {
	for _, in := range []string{
		``, `   `, `{`, `[1, 2`, `{"a" 1}`, `{"a": 1,}`, `[1,]`, `{"a": 1 "b": 2}`, `[1 2]`, `"abc`,
		"\"a\nb\"", `tru`, `nul`, `nullx`, `truex`, `{a: 1}`, `]`, `}`, `@`, `{"a": }`, `[,1]`,
	} {
		if _, _, err := Value([]byte(in), 0); !errors.Is(err, ErrSyntax) {
			t.Errorf("Value(%q) error = %v, want ErrSyntax", in, err)
		}
	}
}

// TestValueRefusesNestingDeeperThanEncodingJSON: objects and arrays nest
// as deeply as json.Valid lets them (10,000 levels) and no deeper, inside
// objects as inside arrays; a body of megabytes of brackets is refused
// instead of growing the stack until the process dies.
func TestValueRefusesNestingDeeperThanEncodingJSON(t *testing.T) {
	nested := func(levels int) []byte {
		var b bytes.Buffer
		for range levels / 2 {
			b.WriteString(`[{"a":`)
		}
		b.WriteString("1")
		for range levels / 2 {
			b.WriteString(`}]`)
		}
		return b.Bytes()
	}
	for _, levels := range []int{maxDepth, maxDepth + 2} {
		in := nested(levels)
		_, end, err := Value(in, 0)
		if got, want := err == nil, json.Valid(in); got != want {
			t.Errorf("%d levels: Value error = %v, json.Valid = %v", levels, err, want)
		}
		if err == nil && end != len(in) {
			t.Errorf("%d levels: Value ended at %d of %d", levels, end, len(in))
		}
	}
	if json.Valid(nested(maxDepth+2)) || !json.Valid(nested(maxDepth)) {
		t.Fatalf("encoding/json's limit is no longer %d levels", maxDepth)
	}
	deep := bytes.Repeat([]byte("["), 8<<20)
	if _, _, err := Value(deep, 0); !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("8 MiB of '[': Value error = %v, want the nesting refused", err)
	}
	if _, err := Object([]byte(`{"deep":`+string(deep)+`}`), 0, nil); !errors.Is(err, ErrSyntax) {
		t.Errorf("an object member 8 MiB of '[' deep: Object error = %v, want ErrSyntax", err)
	}
}

// TestValueAgreesWithEncodingJSONOnEveryCut checks, on every sample answer
// of the shared docs, that the scan accepts the whole document and refuses
// every cut of it that encoding/json refuses, except cuts that end inside a
// trailing number (a shorter number is still a number).
func TestValueAgreesWithEncodingJSONOnEveryCut(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "docs", "examples", "*.json"))
	docs := [][]byte{[]byte(`{"a":[1,2,{"b":"c\"]"}],"d":{"e":null,"f":true,"g":-1.5e3}}`)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if json.Valid(b) {
			docs = append(docs, b)
		}
	}
	for _, doc := range docs {
		start, end, err := Value(doc, 0)
		if err != nil || strings.TrimSpace(string(doc[start:])) != string(doc[start:end]) {
			t.Fatalf("Value(whole document) = [%d, %d), %v", start, end, err)
		}
		for cut := range len(doc) - 1 {
			part := doc[:cut]
			if json.Valid(part) {
				continue
			}
			s, e, err := Value(part, 0)
			if err == nil && e == len(part) && json.Valid(part[s:e]) {
				t.Fatalf("Value accepted %q, which encoding/json refuses", part)
			}
		}
	}
}

// TestMembersWalkLikeObjectAndOnlyDelimitContainers checks that Members
// hands the members Object hands, and that a garbled object or array value
// is handed over whole (its reader must check it) while a garbled scalar or
// an unclosed value still fails the walk.
func TestMembersWalkLikeObjectAndOnlyDelimitContainers(t *testing.T) {
	doc := []byte(`{"a": [1, {"b": "]"}], "c": {"d": null}, "e": "x"}`)
	var viaObject, viaMembers []string
	if _, err := Object(doc, 0, func(k, v []byte) error { viaObject = append(viaObject, string(k)+"="+string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := Members(doc, 0, func(k, v []byte) error { viaMembers = append(viaMembers, string(k)+"="+string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(viaObject, "|") != strings.Join(viaMembers, "|") {
		t.Errorf("Members handed %q, Object %q", viaMembers, viaObject)
	}
	if _, err := Members([]byte(`{"a": [1 2 ,], "b": 1}`), 0, func(k, v []byte) error { return nil }); err != nil {
		t.Errorf("Members refused a garbled array it only delimits: %v", err)
	}
	for _, bad := range []string{`{"a": [1, 2}`, `{"a": tru}`, `{"a": "x}`, `{"a": 01}`, `{"a" 1}`} {
		if _, err := Members([]byte(bad), 0, func(k, v []byte) error { return nil }); !errors.Is(err, ErrSyntax) {
			t.Errorf("Members(%s) = %v, want ErrSyntax", bad, err)
		}
	}
}

// TestObjectAtAndArrayAtHandWhereEachValueStarts walks a document with the
// positional walkers, reading each value with Value from where it starts.
func TestObjectAtAndArrayAtHandWhereEachValueStarts(t *testing.T) {
	doc := []byte(` { "a" :  [ {"b": 1} , [2], "3" ] , "c": null } `)
	var got []string
	end, err := ObjectAt(doc, 0, func(key []byte, at int) (int, error) {
		if string(key) != "a" {
			s, e, err := Value(doc, at)
			got = append(got, string(key)+"="+string(doc[s:e]))
			return e, err
		}
		return ArrayAt(doc, at, func(n, at int) (int, error) {
			s, e, err := Value(doc, at)
			got = append(got, fmt.Sprintf("a[%d]=%s", n, doc[s:e]))
			return e, err
		})
	})
	if err != nil || SkipSpace(doc, end) != len(doc) {
		t.Fatalf("ObjectAt = %d, %v", end, err)
	}
	if want := `a[0]={"b": 1}|a[1]=[2]|a[2]="3"|c=null`; strings.Join(got, "|") != want {
		t.Errorf("handed %s, want %s", strings.Join(got, "|"), want)
	}
	for _, bad := range []string{`{"a" 1}`, `{"a":1,}`, `[1 2]`, `{"a":1`} {
		_, err := ObjectAt([]byte(bad), 0, func(_ []byte, at int) (int, error) { _, e, err := Value([]byte(bad), at); return e, err })
		if bad[0] == '[' {
			_, err = ArrayAt([]byte(bad), 0, func(_, at int) (int, error) { _, e, err := Value([]byte(bad), at); return e, err })
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("walking %s: %v, want ErrSyntax", bad, err)
		}
	}
}

func TestObjectHandsEachMember(t *testing.T) {
	in := []byte(`{"Success": true, "Result": {"Id": "po-1", "Lines": [{"Id": "x"}]}, "Messages": []}`)
	var got []string
	end, err := Object(in, 0, func(key, value []byte) error {
		got = append(got, string(key)+"="+string(value))
		return nil
	})
	if err != nil || end != len(in) {
		t.Fatalf("Object = %d, %v", end, err)
	}
	want := []string{`Success=true`, `Result={"Id": "po-1", "Lines": [{"Id": "x"}]}`, `Messages=[]`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("members = %q, want %q", got, want)
	}
	stop := errors.New("stop")
	if _, err := Object(in, 0, func([]byte, []byte) error { return stop }); err != stop {
		t.Errorf("an error of fn: got %v", err)
	}
}

func TestArrayHandsEachElement(t *testing.T) {
	in := []byte(` [ {"a": 1} , "b\"", 3 ] `)
	var got []string
	end, err := Array(in, 0, func(i int, elem []byte) error {
		got = append(got, string(elem))
		return nil
	})
	if err != nil || in[end-1] != ']' {
		t.Fatalf("Array = %d, %v", end, err)
	}
	if want := []string{`{"a": 1}`, `"b\""`, `3`}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("elements = %q, want %q", got, want)
	}
}

func TestKeyIsMatchesLikeEncodingJSON(t *testing.T) {
	for _, tc := range []struct {
		key, name string
		want      bool
	}{
		{"Result", "result", true},
		{"RESULT", "result", true},
		{"Results", "result", false},
		{`R\u0065sult`, "result", true},
		{"Id", "id", true},
		{"", "id", false},
		{"s\u212au", "sku", true}, // the Kelvin sign folds to k, in three bytes
		{"\u017fku", "sku", true}, // and the long s to s
		{"s\u212a", "sku", false},
	} {
		if got := KeyIs([]byte(tc.key), tc.name); got != tc.want {
			t.Errorf("KeyIs(%q, %q) = %v, want %v", tc.key, tc.name, got, tc.want)
		}
		if got := unmarshalMatches(t, tc.key, tc.name); got != tc.want {
			t.Errorf("json.Unmarshal matches member %q to field %q: %v; the test wants %v", tc.key, tc.name, got, tc.want)
		}
	}
}

// unmarshalMatches reports whether json.Unmarshal decodes the member named
// key (as written) into a struct field tagged name.
func unmarshalMatches(t *testing.T, key, name string) bool {
	t.Helper()
	typ := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeFor[int](), Tag: reflect.StructTag(`json:"` + name + `"`)}})
	v := reflect.New(typ)
	if err := json.Unmarshal([]byte(`{"`+key+`":1}`), v.Interface()); err != nil {
		t.Fatal(err)
	}
	return v.Elem().Field(0).Int() == 1
}

func TestStringDecodesEscapesAndRefusesOtherValues(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"po-1"`, "po-1"},
		{`"a\"b"`, `a"b`},
		{`"\u00e9t\u00e9"`, "été"},
		{`"été"`, "été"},
	} {
		if got, err := String([]byte(tc.in)); err != nil || got != tc.want {
			t.Errorf("String(%s) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{`12`, `null`, `{"a":1}`, `"abc`} {
		if _, err := String([]byte(in)); err == nil {
			t.Errorf("String(%s) succeeded", in)
		}
	}
}

// FuzzValueIsValid checks that Value accepts a whole input (white space
// around it allowed) exactly when json.Valid does, on any bytes; inputs
// nested deeper than encoding/json's limit are left out.
func FuzzValueIsValid(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2,{"b":"c\"]"}],"d":{"e":null,"f":true,"g":-1.5e3}}`, ` 0 `, `-0.5E+10`, `01`, `1.`, `.5`, `-`,
		`1e`, `+1`, `"\u00e9\n"`, `"\x"`, `"\u12G4"`, "\"\xff\"", `[true,false,null]`, `nulL`, `{"a":1,}`, `"\/"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) > 10000 {
			return
		}
		start, end, err := Value(b, 0)
		got := err == nil && SkipSpace(b, end) == len(b)
		if want := json.Valid(b); got != want {
			t.Errorf("Value(%q): accepted %v (%v), json.Valid %v", b, got, err, want)
		}
		// Delimit finds the end of every value Value accepts.
		if dStart, dEnd, dErr := Delimit(b, 0); err == nil && (dErr != nil || dStart != start || dEnd != end) {
			t.Errorf("Delimit(%q) = [%d, %d), %v; Value [%d, %d)", b, dStart, dEnd, dErr, start, end)
		}
	})
}

// TestSpecialBytesFindsTheFirstQuoteBackslashOrControlByte checks
// specialBytes against a byte-wise search: every byte value in every
// position among plain bytes, pairs of special bytes, and random words.
func TestSpecialBytesFindsTheFirstQuoteBackslashOrControlByte(t *testing.T) {
	first := func(w []byte) int {
		for i, c := range w {
			if c == '"' || c == '\\' || c < ' ' {
				return i
			}
		}
		return 8
	}
	check := func(w []byte) {
		m := specialBytes(binary.LittleEndian.Uint64(w))
		got := 8
		if m != 0 {
			got = bits.TrailingZeros64(m) / 8
		}
		if want := first(w); got != want {
			t.Fatalf("specialBytes(%q) says the first is at %d, want %d", w, got, want)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			check(w)
			for _, other := range []byte{0, '"', '\\', 0x1f, 0x80, 0xff} {
				w2 := []byte("abcdefgh")
				w2[pos], w2[(pos+3)%8] = byte(c), other
				check(w2)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], rng.Uint64())
		check(w[:])
	}
}
