// Package jsonwrite appends JSON to byte slices exactly as json.Marshal
// writes it (the tests compare the two), for the hot paths that encode the
// same shapes for every order (push records, field-group hashes, the orders
// createorders sends), where encoding/json spends its time on reflection.
// What is rare or intricate is left to json.Marshal.
package jsonwrite

import (
	"encoding/json"
	"math"
	"strconv"
)

// Append appends v to b as json.Marshal writes it (TestAppendIsMarshal):
// strings, numbers, booleans and slices of them are written directly;
// anything else (the customs, insurance and dimensions structs) is left to
// json.Marshal.
func Append(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return AppendString(b, v), nil
	case float64:
		return AppendFloat(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case []string:
		return appendSlice(b, v)
	case []float64:
		return appendSlice(b, v)
	case []int64:
		return appendSlice(b, v)
	case []any:
		return appendSlice(b, v)
	case [][]any:
		return appendSlice(b, v)
	}
	raw, err := json.Marshal(v)
	return append(b, raw...), err
}

// appendSlice appends s as a JSON array, null when it is nil, as
// json.Marshal writes a slice.
func appendSlice[T any](b []byte, s []T) ([]byte, error) {
	if s == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = Append(b, e); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// AppendFloat appends f as encoding/json writes a float64: the shortest
// decimal that reads back as f, in exponent form below 1e-6 and from 1e21,
// the exponent without a leading zero. NaN and the infinities are refused.
func AppendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		raw, err := json.Marshal(f) // the error json.Marshal gives
		return append(b, raw...), err
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// AppendString appends s as a JSON string as json.Marshal writes it. Text
// that needs no escape is copied; anything else is left to json.Marshal.
func AppendString(b []byte, s string) []byte {
	for i := range len(s) {
		if !plainByte[s[i]] {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainByte lists the bytes json.Marshal writes as they are inside a
// string: printable ASCII but the quote, the backslash and <, > and &
// (which it escapes for HTML). A read-only table, as encoding/json keeps.
var plainByte = func() (plain [256]bool) {
	for c := ' '; c <= '~'; c++ {
		plain[c] = true
	}
	for _, c := range `"\<>&` {
		plain[c] = false
	}
	return plain
}()

// Object writes the members of one JSON object in the order they are given,
// as json.Marshal writes a struct's fields: each method takes the member's
// name (plain ASCII, written as it is) and, where a struct tag would say
// omitempty, omitEmpty; an empty value is then left out (0, "", false).
// End closes the object and returns the bytes and the first error.
type Object struct {
	b   []byte
	n   int // members (elements, for an Array) written so far
	err error
}

// Begin starts an object at the end of b.
func Begin(b []byte) Object { return Object{b: append(b, '{')} }

// Key writes the name of the next member; its value is for the caller to
// append to Bytes.
func (o *Object) Key(name string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

// String writes a string member.
func (o *Object) String(name, v string, omitEmpty bool) {
	if omitEmpty && v == "" {
		return
	}
	o.Key(name)
	o.b = AppendString(o.b, v)
}

// StringPtr writes a *string member: null when nil, unless omitEmpty.
func (o *Object) StringPtr(name string, v *string, omitEmpty bool) {
	switch {
	case v != nil:
		o.String(name, *v, false)
	case !omitEmpty:
		o.Key(name)
		o.b = append(o.b, "null"...)
	}
}

// BoolPtr writes a *bool member: null when nil, unless omitEmpty.
func (o *Object) BoolPtr(name string, v *bool, omitEmpty bool) {
	switch {
	case v != nil:
		o.Bool(name, *v, false)
	case !omitEmpty:
		o.Key(name)
		o.b = append(o.b, "null"...)
	}
}

// Int writes an integer member.
func (o *Object) Int(name string, v int64, omitEmpty bool) {
	if omitEmpty && v == 0 {
		return
	}
	o.Key(name)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// Float writes a float64 member.
func (o *Object) Float(name string, v float64, omitEmpty bool) {
	if omitEmpty && v == 0 {
		return
	}
	o.Key(name)
	o.keep(AppendFloat(o.b, v))
}

// Bool writes a boolean member.
func (o *Object) Bool(name string, v, omitEmpty bool) {
	if omitEmpty && !v {
		return
	}
	o.Key(name)
	o.b = strconv.AppendBool(o.b, v)
}

// Value writes a member through Append (json.Marshal for what Append does
// not write itself).
func (o *Object) Value(name string, v any) {
	o.Key(name)
	o.keep(Append(o.b, v))
}

// Object writes an object member, filled by fill. The inner object is o
// itself, its count of members put aside meanwhile, so that nesting
// allocates nothing.
func (o *Object) Object(name string, fill func(inner *Object)) {
	o.Key(name)
	o.nest('{', '}', func() { fill(o) })
}

// Array writes an array member, filled by fill; null when null is true
// (a nil slice).
func (o *Object) Array(name string, null bool, fill func(a *Array)) {
	o.Key(name)
	if null {
		o.b = append(o.b, "null"...)
		return
	}
	o.nest('[', ']', func() { fill((*Array)(o)) })
}

// nest writes open, then what fill writes over o's state, its count put
// aside meanwhile (the inner value starts with no member or element),
// then close.
func (o *Object) nest(open, close byte, fill func()) {
	n := o.n
	o.b, o.n = append(o.b, open), 0
	fill()
	o.b, o.n = append(o.b, close), n
}

// keep takes b as the bytes written so far and err, when it is the first,
// as the object's error.
func (o *Object) keep(b []byte, err error) {
	o.b = b
	if err != nil && o.err == nil {
		o.err = err
	}
}

// Bytes returns the bytes written so far, for a caller appending a member's
// value after Key; SetBytes gives them back.
func (o *Object) Bytes() []byte { return o.b }

// SetBytes replaces the bytes written so far (see Bytes).
func (o *Object) SetBytes(b []byte) { o.b = b }

// End closes the object.
func (o *Object) End() ([]byte, error) { return append(o.b, '}'), o.err }

// Array writes the elements of one JSON array in the order they are given,
// as json.Marshal writes a slice. End closes it and returns the bytes and the
// first error. It is an Object's state seen as an array, so that either
// nests in the other without allocating.
type Array Object

// BeginArray starts an array at the end of b.
func BeginArray(b []byte) Array { return Array{b: append(b, '[')} }

// next writes the comma before every element but the first.
func (a *Array) next() {
	if a.n > 0 {
		a.b = append(a.b, ',')
	}
	a.n++
}

// String writes a string element.
func (a *Array) String(v string) {
	a.next()
	a.b = AppendString(a.b, v)
}

// Int writes an integer element.
func (a *Array) Int(v int64) {
	a.next()
	a.b = strconv.AppendInt(a.b, v, 10)
}

// Float writes a float64 element.
func (a *Array) Float(v float64) {
	a.next()
	(*Object)(a).keep(AppendFloat(a.b, v))
}

// Bool writes a boolean element.
func (a *Array) Bool(v bool) {
	a.next()
	a.b = strconv.AppendBool(a.b, v)
}

// Value writes an element through Append.
func (a *Array) Value(v any) {
	a.next()
	(*Object)(a).keep(Append(a.b, v))
}

// End closes the array.
func (a *Array) End() ([]byte, error) { return append(a.b, ']'), a.err }

// Array writes an array element, filled by fill (with a itself, as
// Object.Object does).
func (a *Array) Array(fill func(inner *Array)) {
	a.next()
	(*Object)(a).nest('[', ']', func() { fill(a) })
}

// Object writes an object element, filled by fill (with a's state seen as
// an object).
func (a *Array) Object(fill func(o *Object)) {
	a.next()
	o := (*Object)(a)
	o.nest('{', '}', func() { fill(o) })
}
