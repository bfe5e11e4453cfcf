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

// appendJSON appends v to b as json.Marshal writes it (TestAppendJSONIsMarshal),
// for the plain values the field groups hash: strings, numbers, booleans and
// slices of them are written directly; anything else (the customs, insurance
// and dimensions structs) is left to json.Marshal. A field group is hashed
// for every order pushed, sixteen of them, and encoding/json spent that time
// on reflection over []any.
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

// appendFloat appends f as encoding/json writes a float64: the shortest
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
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
