package shipstation

import (
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// decodePage decodes a list envelope in one pass: the envelope's counts and
// each entry of its items array, read into T by decode where it starts (no
// byte is scanned twice), so that one bad item lands in Invalid (with its
// raw bytes) instead of failing the page. A body that is not well-formed
// JSON outside its items, or whose envelope is not an object, fails the
// page.
func decodePage[T any](body []byte, itemsKey, idKey string, decode jsonfields.Field[T]) (*Page[T], error) {
	page := &Page[T]{}
	if start := jsonscan.SkipSpace(body, 0); start >= len(body) || body[start] != '{' {
		return nil, fmt.Errorf("decode envelope: want an object, got %.20q", body[start:])
	}
	_, err := jsonscan.ObjectAt(body, 0, func(key []byte, at int) (int, error) {
		var end int
		var err error
		switch string(key) {
		case itemsKey:
			end, err = decodeItems(body, at, idKey, decode, page)
		case "total":
			end, err = jsonfields.Int(&page.Total, body, at)
		case "page":
			end, err = jsonfields.Int(&page.Page, body, at)
		case "pages":
			end, err = jsonfields.Int(&page.Pages, body, at)
		default: // not read, still checked
			_, end, err = jsonscan.Value(body, at)
		}
		if err != nil {
			return end, fmt.Errorf("decode envelope %q: %w", key, err)
		}
		return end, nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// decodeItems decodes the items array (or null) that starts at b[i] into
// page and returns the index just past it. An item that does not decode
// into T (or is malformed) is recorded as invalid with its raw bytes, and
// its ID when readable; the walk goes on after it, as long as its end can
// be found.
func decodeItems[T any](b []byte, i int, idKey string, decode jsonfields.Field[T], page *Page[T]) (int, error) {
	return jsonfields.Each(b, i, decode, func(_ int, item *T) error {
		page.Items = append(page.Items, *item)
		return nil
	}, func(n int, raw []byte, err error) {
		kept := append(json.RawMessage(nil), raw...)
		page.Invalid = append(page.Invalid, InvalidItem{Index: n, ID: itemID(kept, idKey), Err: err, Raw: kept})
	})
}
