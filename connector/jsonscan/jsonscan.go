// Package jsonscan walks JSON held in a byte slice without decoding it: it
// finds where each value, member and element starts and ends, so that a
// connector reads an answer's envelope, cuts each list item out for its own
// decoding, and skips what it does not use, in one cheap pass and without
// copying.
//
// encoding/json's Decoder.Token and its skipping of unused values run a
// state machine with a call per byte and allocate per token; the scan here is
// a loop over bytes. It checks what json.Valid checks (brackets, commas and
// colons, strings and their escapes, the grammar of numbers and literals;
// FuzzValueIsValid), so that a value it walked is well-formed JSON, and
// refuses, as encoding/json does, objects and arrays nested more than
// 10,000 levels deep (maxDepth).
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
)

// ErrSyntax is wrapped by every error of a body that is not well-formed
// JSON (or is cut off).
var ErrSyntax = errors.New("malformed JSON")

// syntaxError is an ErrSyntax at byte offset.
func syntaxError(offset int, what string) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, offset, what)
}

// SkipSpace returns the index of the first byte of b at or after i that is
// not JSON white space (len(b) when there is none).
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// maxDepth is how many levels of objects and arrays Value lets nest, as
// many as encoding/json does: Value checks each level with a call of its
// own, so that an answer of a few megabytes of brackets would otherwise
// grow the stack past Go's limit, which kills the process.
const maxDepth = 10000

// Value returns the bounds [start, end) of the JSON value that starts at
// b[i], after white space.
func Value(b []byte, i int) (start, end int, err error) {
	return value(b, i, 1)
}

// value is Value for a value at the given depth of nesting (1 for the
// outermost).
func value(b []byte, i, depth int) (start, end int, err error) {
	start = SkipSpace(b, i)
	if start >= len(b) {
		return start, start, syntaxError(start, "want a value, got the end")
	}
	switch c := b[start]; c {
	case '"':
		end, err = stringEnd(b, start)
	case '{', '[':
		end, err = containerValue(b, start, depth)
	default:
		end, err = scalarEnd(b, start)
	}
	return start, end, err
}

// containerValue checks the object or array that starts at b[i], depth
// levels deep, and returns the index just past it.
func containerValue(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, syntaxError(i, fmt.Sprintf("objects and arrays nested more than %d levels deep", maxDepth))
	}
	inner := func(at int) (int, error) {
		_, end, err := value(b, at, depth+1)
		return end, err
	}
	if b[i] == '{' {
		return ObjectAt(b, i, func(_ []byte, at int) (int, error) { return inner(at) })
	}
	return ArrayAt(b, i, func(_, at int) (int, error) { return inner(at) })
}

// Delimit returns the bounds [start, end) of the JSON value that starts at
// b[i], after white space, as Value does, but checks an object or array
// only as far as finding its end takes: its strings, and that its brackets
// close. Whoever is handed such a value must check it in full (walk it, or
// refuse it), as Members says.
func Delimit(b []byte, i int) (start, end int, err error) {
	start = SkipSpace(b, i)
	if start < len(b) && (b[start] == '{' || b[start] == '[') {
		end, err = containerEnd(b, start)
		return start, end, err
	}
	return Value(b, i)
}

// containerEnd returns the index just past the object or array that starts
// at b[i], matching brackets outside strings.
func containerEnd(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, err := stringEnd(b, j)
			if err != nil {
				return end, err
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return j + 1, nil
			}
		}
	}
	return len(b), syntaxError(len(b), "object or array not closed")
}

// Object walks the object that starts at b[i] (after white space) and
// returns the index just past its '}'. fn, when not nil, is called with each
// member's key as it is written (its quotes removed, escapes left as they are)
// and the value's bytes; an error from fn ends the walk and is returned.
func Object(b []byte, i int, fn func(key, value []byte) error) (int, error) {
	return object(b, i, fn, Value)
}

// Members is Object for a caller that reads the values it is handed: an
// object or array value is only delimited (Delimit), not checked, so that
// it is not scanned twice. fn must check each such value in full: walk it
// (with Object, Members, ...), decode it with encoding/json, refuse it, or
// check it with Value when it skips it.
func Members(b []byte, i int, fn func(key, value []byte) error) (int, error) {
	return object(b, i, fn, Delimit)
}

// object walks an object, finding each member's value with value.
func object(b []byte, i int, fn func(key, value []byte) error, value func([]byte, int) (int, int, error)) (int, error) {
	return ObjectAt(b, i, func(key []byte, at int) (int, error) {
		start, end, err := value(b, at)
		if err != nil || fn == nil {
			return end, err
		}
		return end, fn(key, b[start:end])
	})
}

// ObjectAt walks the object that starts at b[i] (after white space) and
// returns the index just past its '}', handing fn each member's key (as
// Object does) and the index where its value starts; fn reads the value
// itself, checking it in full (Value, or a walk of its own), and returns
// the index just past it. Nothing is scanned twice.
func ObjectAt(b []byte, i int, fn func(key []byte, start int) (end int, err error)) (int, error) {
	i = SkipSpace(b, i)
	if i >= len(b) || b[i] != '{' {
		return i, syntaxError(i, "want an object")
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		key, at, err := memberName(b, i)
		if err != nil {
			return at, err
		}
		end, err := fn(key, at)
		if err != nil {
			return end, err
		}
		i = SkipSpace(b, end)
		switch {
		case i >= len(b):
			return i, syntaxError(i, "object not closed")
		case b[i] == '}':
			return i + 1, nil
		case b[i] != ',':
			return i, syntaxError(i, "want ',' or '}' in an object")
		}
		i = SkipSpace(b, i+1)
	}
}

// memberName reads the member name that starts at b[i] and its colon, and
// returns the name as written (quotes removed) and the index where the
// member's value starts.
func memberName(b []byte, i int) (key []byte, value int, err error) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, syntaxError(i, "want a member name")
	}
	keyEnd, err := stringEnd(b, i)
	if err != nil {
		return nil, keyEnd, err
	}
	j := SkipSpace(b, keyEnd)
	if j >= len(b) || b[j] != ':' {
		return nil, j, syntaxError(j, "want ':' after a member name")
	}
	return b[i+1 : keyEnd-1], SkipSpace(b, j+1), nil
}

// Array walks the array that starts at b[i] (after white space) and returns
// the index just past its ']'. fn, when not nil, is called with each
// element's index and bytes; an error from fn ends the walk and is returned.
func Array(b []byte, i int, fn func(index int, elem []byte) error) (int, error) {
	return ArrayAt(b, i, func(n, at int) (int, error) {
		start, end, err := Value(b, at)
		if err != nil || fn == nil {
			return end, err
		}
		return end, fn(n, b[start:end])
	})
}

// ArrayAt walks the array that starts at b[i] (after white space) and
// returns the index just past its ']', handing fn each element's index and
// the index where it starts, on the terms of ObjectAt.
func ArrayAt(b []byte, i int, fn func(index, start int) (end int, err error)) (int, error) {
	i = SkipSpace(b, i)
	if i >= len(b) || b[i] != '[' {
		return i, syntaxError(i, "want an array")
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		end, err := fn(n, SkipSpace(b, i))
		if err != nil {
			return end, err
		}
		i = SkipSpace(b, end)
		switch {
		case i >= len(b):
			return i, syntaxError(i, "array not closed")
		case b[i] == ']':
			return i + 1, nil
		case b[i] != ',':
			return i, syntaxError(i, "want ',' or ']' in an array")
		}
		i++
	}
}

// stringEnd returns the index just past the string that starts at b[i]
// ('"'), checking its escapes. Eight bytes are read at a time, going
// straight to the first quote, backslash or control byte among them.
func stringEnd(b []byte, i int) (int, error) {
	j := i + 1
	for j < len(b) {
		if j+8 <= len(b) {
			m := specialBytes(binary.LittleEndian.Uint64(b[j:]))
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) / 8
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			end, err := escapeEnd(b, j)
			if err != nil {
				return end, err
			}
			j = end - 1
		case c < ' ':
			return j, syntaxError(j, "control character in a string")
		}
		j++
	}
	return len(b), syntaxError(len(b), "string not closed")
}

// escapeEnd returns the index just past the escape that starts at b[j]
// ('\\'): one of \" \\ \/ \b \f \n \r \t, or \u and four hex digits.
func escapeEnd(b []byte, j int) (int, error) {
	if j+1 >= len(b) {
		return len(b), syntaxError(len(b), "string not closed")
	}
	switch b[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
		if j+5 >= len(b) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) || !isHex(b[j+5]) {
			return j + 1, syntaxError(j+1, "want four hex digits after \\u")
		}
		return j + 6, nil
	}
	return j + 1, syntaxError(j+1, fmt.Sprintf("invalid escape \\%c in a string", b[j+1]))
}

// specialBytes marks the bytes of x (eight bytes read little-endian) that
// may be a quote, a backslash or a control byte, with their high bit. The
// lowest mark is always such a byte, and every such byte is marked; a mark
// above the lowest may be false (a borrow), which the caller never reads,
// since it stops at the lowest.
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return ((quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*' ')&^x) & highs
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// scalarEnd returns the index just past the number or literal (true, false,
// null) that starts at b[i].
func scalarEnd(b []byte, i int) (int, error) {
	var lit string
	switch b[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		return numberEnd(b, i)
	}
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return i, syntaxError(i, fmt.Sprintf("unexpected %.5q", b[i:]))
	}
	return delimited(b, i+len(lit))
}

// numberEnd returns the index just past the number that starts at b[i], as
// JSON writes one: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberEnd(b []byte, i int) (int, error) {
	j, err := integerEnd(b, i)
	if err != nil {
		return j, err
	}
	if j < len(b) && b[j] == '.' {
		if j = digitsEnd(b, j+1); b[j-1] == '.' {
			return j, syntaxError(j, "want a digit after '.' in a number")
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		if j, err = exponentEnd(b, j+1); err != nil {
			return j, err
		}
	}
	return delimited(b, j)
}

// integerEnd returns the index just past a number's integer part, which
// starts at b[i]: an optional minus, then 0 or digits not starting with 0.
func integerEnd(b []byte, i int) (int, error) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		return j + 1, nil
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		return digitsEnd(b, j), nil
	case j == i && j < len(b):
		return j, syntaxError(j, fmt.Sprintf("unexpected %q", b[j]))
	}
	return j, syntaxError(j, "want a digit in a number")
}

// exponentEnd returns the index just past a number's exponent digits, which
// start at b[j] after the e: an optional sign, then digits.
func exponentEnd(b []byte, j int) (int, error) {
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	k := digitsEnd(b, j)
	if k == j {
		return j, syntaxError(j, "want a digit in a number's exponent")
	}
	return k, nil
}

// digitsEnd returns the index of the first byte at or after j that is not a
// decimal digit.
func digitsEnd(b []byte, j int) int {
	for j < len(b) && '0' <= b[j] && b[j] <= '9' {
		j++
	}
	return j
}

// delimited checks that a scalar ending at b[j] is followed by white space,
// a delimiter or the end, and returns j.
func delimited(b []byte, j int) (int, error) {
	if j < len(b) {
		switch b[j] {
		case ' ', '\t', '\r', '\n', ',', '}', ']':
		default:
			return j, syntaxError(j, fmt.Sprintf("unexpected %q after a value", b[j]))
		}
	}
	return j, nil
}

// KeyIs reports whether a member name as Object hands it (quotes removed,
// escapes as written) is name under Unicode case folding, as encoding/json
// matches struct fields (the Kelvin sign is a k there, in three bytes). A
// name written with escapes is compared after unescaping.
func KeyIs(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return bytes.EqualFold(key, []byte(name))
	}
	unquoted, ok := unescape(key)
	return ok && bytes.EqualFold(unquoted, []byte(name))
}

// unescape decodes the escapes of a string's contents.
func unescape(s []byte) ([]byte, bool) {
	quoted := make([]byte, 0, len(s)+2)
	quoted = append(append(append(quoted, '"'), s...), '"')
	out, err := String(quoted)
	return []byte(out), err == nil
}

// String decodes the JSON string value raw (quotes included). A string
// without escapes is copied out directly; one with escapes is decoded by
// encoding/json. A value that is not a string is an error.
func String(raw []byte) (string, error) {
	n := len(raw)
	if n == 0 || raw[0] != '"' {
		return "", fmt.Errorf("want a string, got %.20q", raw)
	}
	if n >= 2 && raw[n-1] == '"' && plain(raw[1:n-1]) {
		return string(raw[1 : n-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

// plain reports whether a string's contents hold no escape, no quote and no
// byte below space or above '~', so that they are the string as written.
func plain(s []byte) bool {
	for _, c := range s {
		if c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
