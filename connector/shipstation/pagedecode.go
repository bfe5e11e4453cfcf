package shipstation

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// decodePage decodes a list envelope in one pass: the envelope's counts and
// each entry of its items array straight into T, so that one bad item lands
// in Invalid (with its raw bytes) instead of failing the page. A body that is
// not valid JSON, or whose envelope is not an object, fails the page.
func decodePage[T any](body []byte, itemsKey, idKey string) (*Page[T], error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	page := &Page[T]{}
	counts := map[string]*int{"total": &page.Total, "page": &page.Page, "pages": &page.Pages}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("decode envelope: %w", err)
		}
		key, _ := tok.(string)
		switch dst, isCount := counts[key]; {
		case key == itemsKey:
			err = decodeItems(dec, body, idKey, page)
		case isCount:
			err = dec.Decode(dst)
		default:
			err = dec.Decode(&skipValue{})
		}
		if err != nil {
			return nil, fmt.Errorf("decode envelope %q: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	return page, nil
}

// decodeItems decodes the items array (or null) at dec's position into page.
// An item that does not decode into T is recorded as invalid with its raw
// bytes, cut from body by the decoder's offsets, and its ID when readable;
// the decoder goes on with the next item, since it read the whole value
// before decoding it.
func decodeItems[T any](dec *json.Decoder, body []byte, idKey string, page *Page[T]) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("want a list, got %v", tok)
	}
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		var item T
		var err error
		if s, ok := any(&item).(streamDecoder); ok {
			err = s.decodeFrom(dec)
		} else {
			err = dec.Decode(&item)
		}
		if err != nil && dec.InputOffset() == start {
			return err // not a JSON value: the page is unreadable from here
		}
		if err != nil {
			raw := bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n,")
			raw = append(json.RawMessage(nil), raw...)
			page.Invalid = append(page.Invalid, InvalidItem{Index: i, ID: itemID(raw, idKey), Err: err, Raw: raw})
			continue
		}
		page.Items = append(page.Items, item)
	}
	_, err = dec.Token() // ']'
	return err
}

// expectDelim reads the next token and checks that it is want.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("want %v, got %v", want, tok)
	}
	return nil
}

// streamDecoder is an item that decodes itself from a json.Decoder in fewer
// passes than dec.Decode would take (Order).
type streamDecoder interface {
	decodeFrom(dec *json.Decoder) error
}

// skipValue consumes one JSON value without keeping it.
type skipValue struct{}

// UnmarshalJSON implements json.Unmarshaler by ignoring the value.
func (*skipValue) UnmarshalJSON([]byte) error { return nil }
