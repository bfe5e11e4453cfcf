// Package jsonfields decodes JSON objects into Go structs through a table
// written for each struct: member name to a function that decodes the
// member's value into its field. It follows json.Unmarshal's rules, so that
// a table can stand in for it where reflection costs too much (every order
// of a listed page): a member name matches a field exactly or else without
// regard to case, an unknown member is skipped, null leaves a value as it is
// and clears a pointer or a slice, and a value of the wrong kind is an error.
// The walk is connector/jsonscan's, which checks what json.Valid checks, each
// byte once: an object or array is checked by the walk that decodes it (or
// skips it), not before.
//
// A table that stands in for json.Unmarshal is checked against it by a fuzz
// test in its connector. Fields whose decoding is rare or intricate use Std,
// which is json.Unmarshal itself.
package jsonfields

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/shipsync/shipsync/connector/jsonscan"
)

// Decoder decodes the JSON value raw (white space trimmed) into dst. An
// object or array is handed over only delimited (jsonscan.Members): a
// Decoder checks it in full by walking or decoding it, or refuses it, so
// that what decodes without error is well-formed.
type Decoder[T any] func(dst *T, raw []byte) error

// Object decodes JSON objects into a T through a table of member decoders.
type Object[T any] struct {
	byName  map[string]Decoder[T]
	names   []string // for the match without regard to case
	members []Decoder[T]
}

// NewObject returns the decoder of the members named in the table; other
// members are skipped.
func NewObject[T any](table map[string]Decoder[T]) *Object[T] {
	o := &Object[T]{byName: table}
	for name, dec := range table {
		o.names = append(o.names, name)
		o.members = append(o.members, dec)
	}
	return o
}

// Decode decodes raw into dst as json.Unmarshal decodes an object into a
// struct: null leaves dst as it is, each member goes into what dst already
// holds.
func (o *Object[T]) Decode(dst *T, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return kindError(raw, "an object")
	}
	_, err := jsonscan.Members(raw, 0, func(key, value []byte) error {
		dec := o.member(key)
		if dec == nil {
			return checkSkipped(value)
		}
		if err := dec(dst, value); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	return err
}

// member returns the decoder of the member named key (as written, without
// its quotes), nil when there is none.
func (o *Object[T]) member(key []byte) Decoder[T] {
	if dec, ok := o.byName[string(key)]; ok {
		return dec
	}
	for i, name := range o.names {
		if jsonscan.KeyIs(key, name) {
			return o.members[i]
		}
	}
	return nil
}

// checkSkipped checks in full a value no decoder reads: an object or array
// was only delimited.
func checkSkipped(value []byte) error {
	if value[0] != '{' && value[0] != '[' {
		return nil
	}
	_, _, err := jsonscan.Value(value, 0)
	return err
}

// Std decodes with json.Unmarshal, for fields whose values are rare or
// need its full rules.
func Std[T any](dst *T, raw []byte) error { return json.Unmarshal(raw, dst) }

// String decodes a JSON string; null leaves dst as it is.
func String(dst *string, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	s, err := jsonscan.String(raw)
	if err != nil {
		return kindError(raw, "a string")
	}
	*dst = s
	return nil
}

// StringPtr decodes a JSON string into a new string; null sets dst nil.
func StringPtr(dst **string, raw []byte) error {
	if isNull(raw) {
		*dst = nil
		return nil
	}
	s, err := jsonscan.String(raw)
	if err != nil {
		return kindError(raw, "a string")
	}
	*dst = &s
	return nil
}

// Bool decodes true or false; null leaves dst as it is.
func Bool(dst *bool, raw []byte) error {
	switch string(raw) {
	case "null":
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return kindError(raw, "a boolean")
	}
	return nil
}

// BoolPtr decodes true or false into a new bool; null sets dst nil.
func BoolPtr(dst **bool, raw []byte) error {
	if isNull(raw) {
		*dst = nil
		return nil
	}
	var b bool
	if err := Bool(&b, raw); err != nil {
		return err
	}
	*dst = &b
	return nil
}

// Int64 decodes a JSON number that is a whole number written without a
// fraction or exponent, as json.Unmarshal decodes into an int64; null
// leaves dst as it is.
func Int64(dst *int64, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	n, err := parseInt(raw)
	if err != nil {
		return err
	}
	*dst = n
	return nil
}

// Int is Int64 for an int.
func Int(dst *int, raw []byte) error {
	var n int64
	if err := Int64(&n, raw); err != nil || isNull(raw) {
		return err
	}
	*dst = int(n)
	return nil
}

// Float64 decodes a JSON number; null leaves dst as it is.
func Float64(dst *float64, raw []byte) error {
	if isNull(raw) {
		return nil
	}
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return kindError(raw, "a number")
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return kindError(raw, "a float64")
	}
	*dst = f
	return nil
}

// Slice decodes a JSON array, each element into a zero E through elem;
// null sets dst nil, [] makes it empty (not nil).
func Slice[E any](dst *[]E, raw []byte, elem Decoder[E]) error {
	if isNull(raw) {
		*dst = nil
		return nil
	}
	if len(raw) == 0 || raw[0] != '[' {
		return kindError(raw, "an array")
	}
	out := make([]E, 0, 4)
	_, err := jsonscan.Elements(raw, 0, func(i int, value []byte) error {
		out = append(out, *new(E))
		if err := elem(&out[i], value); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*dst = out
	return nil
}

// errRange is a whole number beyond int64.
var errRange = errors.New("out of range")

// parseInt reads a JSON number as a whole int64: digits with an optional
// minus, no fraction or exponent (json.Unmarshal refuses 1.0 and 1e2 for an
// integer field too).
func parseInt(raw []byte) (int64, error) {
	digits, neg := raw, false
	if len(digits) > 0 && digits[0] == '-' {
		digits, neg = digits[1:], true
	}
	if len(digits) == 0 {
		return 0, kindError(raw, "a whole number")
	}
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, kindError(raw, "a whole number")
		}
		if n > (1<<63)/10 {
			return 0, fmt.Errorf("%s: %w", raw, errRange)
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<63 {
			return 0, fmt.Errorf("%s: %w", raw, errRange)
		}
	}
	switch {
	case neg:
		return -int64(n), nil // -(1<<63) wraps to itself: MinInt64
	case n > 1<<63-1:
		return 0, fmt.Errorf("%s: %w", raw, errRange)
	}
	return int64(n), nil
}

// isNull reports whether raw is the literal null.
func isNull(raw []byte) bool { return string(raw) == "null" }

// kindError says that raw is not the kind of value a field holds.
func kindError(raw []byte, want string) error {
	return fmt.Errorf("cannot decode %.40s as %s", raw, want)
}
