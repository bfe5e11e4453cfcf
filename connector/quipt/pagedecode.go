package quipt

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
	"github.com/shipsync/shipsync/connector/transport"
)

// readPage decodes a list answer: the envelope's fields, and each item of its
// Result array decoded on its own into T, so that one malformed item lands in
// Invalid and never fails the page. A body that is not an envelope is a
// *decodeError, an envelope reporting failure an *APIError, as for readAnswer.
func readPage[T any](req request, a transport.Answer, number int, decode jsonfields.Field[T], validate func(*T) error) (*Page[T], error) {
	page := &Page[T]{PageNumber: number}
	env, err := readAnswer(req, a, func(raw []byte) error { return decodeResult(raw, page, decode, validate) })
	if errors.As(err, new(notAListError)) {
		return nil, fmt.Errorf("quipt: decode page %d: Result is not a list: %w", number, err)
	}
	if err != nil {
		return nil, err
	}
	if env.Paging != nil {
		page.Total = env.Paging.Total
		page.HasMore = env.Paging.HasMoreRecords
		if env.Paging.PageNumber > 0 {
			page.PageNumber = env.Paging.PageNumber
		}
	} else {
		// Without a Paging block, a full page may have more behind it; an
		// empty next page ends the walk.
		page.HasMore = len(page.Items)+len(page.Invalid) >= MaxPageSize
	}
	return page, nil
}

// readAnswer reads a 2xx answer in one scan of its body, handing the bytes of
// the envelope's Result to result; with result nil they are kept in the
// envelope's Result (not copied). An object or array Result is only
// delimited (jsonscan.Members), so whoever reads it checks it: result by its
// walk, a reader of the kept bytes by decoding them (decodeItem does). A
// body that is not an envelope is a *decodeError, an envelope reporting
// failure an *APIError.
func readAnswer(req request, a transport.Answer, result func(raw []byte) error) (*envelope, error) {
	var env envelope
	if result == nil {
		result = func(raw []byte) error { env.Result = raw; return nil }
	}
	if err := scanEnvelope(a.Body, &env, result); err != nil {
		return nil, &decodeError{req.method, req.template, err}
	}
	if env.failed() {
		return nil, newAPIError(req.method, req.template, a, &env)
	}
	return &env, nil
}

// scanEnvelope reads the envelope object in body into env, handing the bytes
// of its Result field to result. Fields are matched without regard to case,
// as encoding/json matches them.
func scanEnvelope(body []byte, env *envelope, result func([]byte) error) error {
	end, err := jsonscan.Members(body, 0, func(key, value []byte) error {
		if err := envelopeField(key, value, env, result); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rest := jsonscan.SkipSpace(body, end); rest != len(body) {
		return fmt.Errorf("%w: data after the envelope at offset %d", jsonscan.ErrSyntax, rest)
	}
	return nil
}

// envelopeField decodes the value of one envelope field.
func envelopeField(key, value []byte, env *envelope, result func([]byte) error) error {
	switch {
	case jsonscan.KeyIs(key, "Result"):
		return result(value)
	case jsonscan.KeyIs(key, "Success"):
		_, err := jsonfields.Bool(&env.Success, value, 0)
		return err
	case jsonscan.KeyIs(key, "Messages"):
		if string(value) == "[]" {
			return nil
		}
		return json.Unmarshal(value, &env.Messages)
	case jsonscan.KeyIs(key, "Paging"):
		return json.Unmarshal(value, &env.Paging)
	case jsonscan.KeyIs(key, "TransactionId"):
		_, err := jsonfields.String(&env.TransactionID, value, 0)
		return err
	case jsonscan.KeyIs(key, "TransactionTime"):
		_, err := jsonfields.String(&env.TransactionTime, value, 0)
		return err
	}
	_, _, err := jsonscan.Value(value, 0) // a field not read, still checked
	return err
}

// notAListError is a Result that is neither a list nor null.
type notAListError struct{ got string }

func (e notAListError) Error() string { return "got " + e.got }

// decodeResult decodes the Result array (or null) raw into page, each item
// read where it starts by decode and then validated: an item that does not
// decode or validate is recorded as invalid with a copy of its bytes.
func decodeResult[T any](raw []byte, page *Page[T], decode jsonfields.Field[T], validate func(*T) error) error {
	if raw[0] != '[' && string(raw) != "null" {
		return notAListError{fmt.Sprintf("%.20s", raw)}
	}
	_, err := jsonfields.Each(raw, 0, func(item *T, b []byte, i int) (int, error) {
		end, err := decode(item, b, i)
		if err != nil {
			err = fmt.Errorf("decode: %w", err)
		}
		return end, err
	}, func(_ int, item *T) error {
		if err := validate(item); err != nil {
			return err
		}
		page.Items = append(page.Items, *item)
		return nil
	}, func(n int, elem []byte, err error) {
		elem = append(json.RawMessage(nil), elem...)
		page.Invalid = append(page.Invalid, InvalidItem{Index: n, ID: itemID(elem), Err: err, Raw: elem})
	})
	return err
}
