package shipstation

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// decodePage decodes a list envelope in one pass: the envelope's counts and
// each entry of its items array, decoded into T by decode, so that one bad
// item lands in Invalid (with its raw bytes) instead of failing the page. A
// body that is not well-formed JSON, or whose envelope is not an object,
// fails the page.
func decodePage[T any](body []byte, itemsKey, idKey string, decode jsonfields.Decoder[T]) (*Page[T], error) {
	page := &Page[T]{}
	if start := jsonscan.SkipSpace(body, 0); start >= len(body) || body[start] != '{' {
		return nil, fmt.Errorf("decode envelope: want an object, got %.20q", body[start:])
	}
	_, err := jsonscan.Members(body, 0, func(key, value []byte) error {
		var err error
		switch string(key) {
		case itemsKey:
			err = decodeItems(value, idKey, decode, page)
		case "total":
			err = jsonfields.Int(&page.Total, value)
		case "page":
			err = jsonfields.Int(&page.Page, value)
		case "pages":
			err = jsonfields.Int(&page.Pages, value)
		default: // not read, still checked
			_, _, err = jsonscan.Value(value, 0)
		}
		if err != nil {
			return fmt.Errorf("decode envelope %q: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// decodeItems decodes the items array (or null) into page. An item that
// does not decode into T (or is malformed: decode checks what the walk only
// delimits) is recorded as invalid with its raw bytes, and its ID when
// readable; the walk goes on with the next item.
func decodeItems[T any](raw []byte, idKey string, decode jsonfields.Decoder[T], page *Page[T]) error {
	if string(raw) == "null" {
		return nil
	}
	if raw[0] != '[' {
		return fmt.Errorf("want a list, got %.20q", raw)
	}
	_, err := jsonscan.Elements(raw, 0, func(i int, value []byte) error {
		var item T
		if err := decode(&item, value); err != nil {
			kept := append(json.RawMessage(nil), bytes.TrimSpace(value)...)
			page.Invalid = append(page.Invalid, InvalidItem{Index: i, ID: itemID(kept, idKey), Err: err, Raw: kept})
			return nil
		}
		page.Items = append(page.Items, item)
		return nil
	})
	return err
}
