// Package jsonfields decodes JSON objects into Go structs through a table
// written for each struct: member name to a function that reads the
// member's value into its field. It follows json.Unmarshal's rules, so that
// a table can stand in for it where reflection costs too much (every order
// of a listed page): a member name matches a field exactly or else without
// regard to case, an unknown member is skipped, null leaves a value as it is
// and clears a pointer or a slice, and a value of the wrong kind is an error.
// The walk is connector/jsonscan's, which checks what json.Valid checks,
// each byte once: a field reads its value from where it starts, and an
// object or array is checked by the walk that decodes it, not before.
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
// object or array may be handed over only delimited (jsonscan.Delimit): a
// Decoder checks it in full by walking or decoding it, or refuses it, so
// that what decodes without error is well-formed.
type Decoder[T any] func(dst *T, raw []byte) error

// Field reads the JSON value that starts at b[i] into dst, checking it in
// full, and returns the index just past it.
type Field[T any] func(dst *T, b []byte, i int) (end int, err error)

// Object decodes JSON objects into a T through a table of fields.
type Object[T any] struct {
	byName map[string]Field[T]
	names  []string // for the match without regard to case
	fields []Field[T]
}

// NewObject returns the decoder of the members named in the table; other
// members are skipped.
func NewObject[T any](table map[string]Field[T]) *Object[T] {
	o := &Object[T]{byName: table}
	for name, f := range table {
		o.names = append(o.names, name)
		o.fields = append(o.fields, f)
	}
	return o
}

// Decode decodes raw, one JSON value, into dst as json.Unmarshal decodes an
// object into a struct: null leaves dst as it is, each member goes into
// what dst already holds. It is a Decoder.
func (o *Object[T]) Decode(dst *T, raw []byte) error {
	end, err := o.Read(dst, raw, 0)
	if err == nil && jsonscan.SkipSpace(raw, end) != len(raw) {
		err = fmt.Errorf("%w: data after the object at offset %d", jsonscan.ErrSyntax, end)
	}
	return err
}

// Read is Decode of the value that starts at b[i]; it returns the index
// just past it. It is a Field.
func (o *Object[T]) Read(dst *T, b []byte, i int) (int, error) {
	if i < len(b) && b[i] != '{' {
		return nullOr(b, i, "an object", nil)
	}
	return jsonscan.ObjectAt(b, i, func(key []byte, at int) (int, error) {
		f := o.field(key)
		if f == nil {
			_, end, err := jsonscan.Value(b, at) // skipped, still checked
			return end, err
		}
		end, err := f(dst, b, at)
		if err != nil {
			return end, fmt.Errorf("%s: %w", key, err)
		}
		return end, nil
	})
}

// field returns the field of the member named key (as written, without its
// quotes), nil when there is none.
func (o *Object[T]) field(key []byte) Field[T] {
	if f, ok := o.byName[string(key)]; ok {
		return f
	}
	for i, name := range o.names {
		if jsonscan.KeyIs(key, name) {
			return o.fields[i]
		}
	}
	return nil
}

// Raw hands the value at b[i], checked in full, to read (a Decoder, or any
// function of its bytes), and returns the index just past it.
func Raw(b []byte, i int, read func(raw []byte) error) (int, error) {
	start, end, err := jsonscan.Value(b, i)
	if err != nil {
		return end, err
	}
	return end, read(b[start:end])
}

// Unmarshaler reads the value at b[i] through its UnmarshalJSON, as
// json.Unmarshal calls it (null included).
func Unmarshaler(u json.Unmarshaler, b []byte, i int) (int, error) {
	return Raw(b, i, u.UnmarshalJSON)
}

// Std reads the value at b[i] with json.Unmarshal, for fields whose values
// are rare or need its full rules.
func Std[T any](dst *T, b []byte, i int) (int, error) {
	start, end, err := jsonscan.Delimit(b, i) // json.Unmarshal checks it
	if err != nil {
		return end, err
	}
	return end, json.Unmarshal(b[start:end], dst)
}

// String reads a JSON string; null leaves dst as it is.
func String(dst *string, b []byte, i int) (int, error) {
	return Raw(b, i, func(raw []byte) error {
		if isNull(raw) {
			return nil
		}
		s, err := jsonscan.String(raw)
		if err != nil {
			return kindError(raw, "a string")
		}
		*dst = s
		return nil
	})
}

// StringPtr reads a JSON string into the string *dst points to, a new one
// when dst is nil; null sets dst nil (Ptr).
func StringPtr(dst **string, b []byte, i int) (int, error) { return Ptr(dst, b, i, String) }

// Bool reads true or false; null leaves dst as it is.
func Bool(dst *bool, b []byte, i int) (int, error) {
	return Raw(b, i, func(raw []byte) error { return readBool(dst, raw) })
}

// readBool decodes true or false into dst; null leaves it.
func readBool(dst *bool, raw []byte) error {
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

// BoolPtr reads true or false into the bool *dst points to, a new one when
// dst is nil; null sets dst nil (Ptr).
func BoolPtr(dst **bool, b []byte, i int) (int, error) { return Ptr(dst, b, i, Bool) }

// Int reads a JSON number that is a whole number written without a
// fraction or exponent into an int or int64, as json.Unmarshal decodes one;
// null leaves dst as it is.
func Int[T ~int | ~int64](dst *T, b []byte, i int) (int, error) {
	return Raw(b, i, func(raw []byte) error {
		if isNull(raw) {
			return nil
		}
		n, err := parseInt(raw)
		if err != nil {
			return err
		}
		*dst = T(n)
		return nil
	})
}

// Float64 reads a JSON number; null leaves dst as it is.
func Float64(dst *float64, b []byte, i int) (int, error) {
	return Raw(b, i, func(raw []byte) error {
		if isNull(raw) {
			return nil
		}
		if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return kindError(raw, "a number")
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return kindError(raw, "a float64")
		}
		*dst = f
		return nil
	})
}

// Ptr reads a value into the T *dst points to, as json.Unmarshal decodes
// into a pointer: null sets dst nil; anything else is read by read into the
// T dst points to, a new one when dst is nil.
func Ptr[T any](dst **T, b []byte, i int, read Field[T]) (int, error) {
	if i < len(b) && b[i] == 'n' {
		return nullOr(b, i, "a value", func() { *dst = nil })
	}
	if *dst == nil {
		*dst = new(T)
	}
	return read(*dst, b, i)
}

// Slice reads a JSON array, each element into a zero E through elem; null
// sets dst nil, [] makes it empty (not nil).
func Slice[E any](dst *[]E, b []byte, i int, elem Field[E]) (int, error) {
	if i < len(b) && b[i] != '[' {
		return nullOr(b, i, "an array", func() { *dst = nil })
	}
	out := make([]E, 0, 4)
	end, err := jsonscan.ArrayAt(b, i, func(n, at int) (int, error) {
		out = append(out, *new(E))
		end, err := elem(&out[n], b, at)
		if err != nil {
			return end, fmt.Errorf("[%d]: %w", n, err)
		}
		return end, nil
	})
	if err != nil {
		return end, err
	}
	*dst = out
	return end, nil
}

// Each reads the array (or null) at b[i], each element into a new T by
// read, and hands it to keep; an element that does not read, or that keep
// refuses, goes to bad with its bytes instead, and the walk goes on after
// it as long as its end can be found. It returns the index just past the
// array. A value other than an array or null is an error.
func Each[T any](b []byte, i int, read Field[T], keep func(index int, item *T) error, bad func(index int, raw []byte, err error)) (int, error) {
	if i < len(b) && b[i] != '[' {
		return nullOr(b, i, "an array", nil)
	}
	return jsonscan.ArrayAt(b, i, func(n, at int) (int, error) {
		var item T
		end, err := read(&item, b, at)
		if err == nil {
			if err = keep(n, &item); err == nil {
				return end, nil
			}
		}
		start, end, scanErr := jsonscan.Delimit(b, at)
		if scanErr != nil {
			return end, scanErr
		}
		bad(n, b[start:end], err)
		return end, nil
	})
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

// nullOr reads the value at b[i], which is not the kind a field reads
// itself (want): null, which runs onNull when it is not nil, or else an
// error.
func nullOr(b []byte, i int, want string, onNull func()) (int, error) {
	return Raw(b, i, func(raw []byte) error {
		if !isNull(raw) {
			return kindError(raw, want)
		}
		if onNull != nil {
			onNull()
		}
		return nil
	})
}

// isNull reports whether raw is the literal null.
func isNull(raw []byte) bool { return string(raw) == "null" }

// kindError says that raw is not the kind of value a field holds.
func kindError(raw []byte, want string) error {
	return fmt.Errorf("cannot decode %.40s as %s", raw, want)
}
