package quipt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/shipsync/shipsync/connector/transport"
)

// readPage decodes a list answer in one pass: the envelope's fields and each
// item of its Result array straight into T, so that one malformed item lands
// in Invalid and never fails the page. A body that is not an envelope is a
// *decodeError, an envelope reporting failure an *APIError, as for readEnvelope.
func readPage[T any](req request, a transport.Answer, number int, validate func(*T) error) (*Page[T], error) {
	page := &Page[T]{PageNumber: number}
	env, err := readAnswer(req, a, func(dec *json.Decoder) error { return decodeResult(dec, a.Body, page, validate) })
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

// readAnswer decodes a 2xx answer in one pass, handing the decoder to result
// at the envelope's Result (nil skips it). A body that is not an envelope is
// a *decodeError, an envelope reporting failure an *APIError.
func readAnswer(req request, a transport.Answer, result func(*json.Decoder) error) (*envelope, error) {
	if result == nil {
		result = func(dec *json.Decoder) error { return dec.Decode(&skipValue{}) }
	}
	var env envelope
	if err := streamEnvelope(a.Body, &env, result); err != nil {
		return nil, &decodeError{req.method, req.template, err}
	}
	if env.failed() {
		return nil, newAPIError(req.method, req.template, a, &env)
	}
	return &env, nil
}

// streamEnvelope decodes the envelope object in body into env, handing the
// decoder to result when it reaches the Result field (matched, like the other
// fields, without regard to case).
func streamEnvelope(body []byte, env *envelope, result func(*json.Decoder) error) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("want an object, got %v (%w)", tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := decodeEnvelopeField(dec, strings.ToLower(key), env, result); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
	}
	_, err := dec.Token()
	return err
}

// decodeEnvelopeField decodes the value of the envelope field key (lower case).
func decodeEnvelopeField(dec *json.Decoder, key string, env *envelope, result func(*json.Decoder) error) error {
	switch key {
	case "result":
		return result(dec)
	case "paging":
		return dec.Decode(&env.Paging)
	case "transactionid":
		return dec.Decode(&env.TransactionID)
	case "transactiontime":
		return dec.Decode(&env.TransactionTime)
	case "success":
		return dec.Decode(&env.Success)
	case "messages":
		return dec.Decode(&env.Messages)
	}
	return dec.Decode(&skipValue{})
}

// notAListError is a Result that is neither a list nor null.
type notAListError struct{ tok json.Token }

func (e notAListError) Error() string { return fmt.Sprintf("got %v", e.tok) }

// decodeResult decodes the Result array (or null) at dec's position into
// page, each item on its own: an item that does not decode or validate is
// recorded as invalid with its raw bytes, cut from body by the decoder's
// offsets.
func decodeResult[T any](dec *json.Decoder, body []byte, page *Page[T], validate func(*T) error) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return notAListError{tok}
	}
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		var item T
		err, broken := decodeValue(dec, &item)
		if broken != nil {
			return broken
		}
		if err == nil {
			err = validate(&item)
		}
		if err != nil {
			raw := append(json.RawMessage(nil), bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n,")...)
			page.Invalid = append(page.Invalid, InvalidItem{Index: i, ID: itemID(raw), Err: err, Raw: raw})
			continue
		}
		page.Items = append(page.Items, item)
	}
	_, err = dec.Token() // ']'
	return err
}

// decodeValue decodes the next value of dec into v. A value that does not fit
// v is err, and the decoder goes on with what follows it, since it read the
// whole value before decoding it; input that is not JSON is broken, and the
// decoder cannot go on.
func decodeValue(dec *json.Decoder, v any) (err, broken error) {
	start := dec.InputOffset()
	if s, ok := v.(streamDecoder); ok {
		err = s.decodeFrom(dec)
	} else {
		err = dec.Decode(v)
	}
	if err != nil {
		if dec.InputOffset() == start {
			return nil, err
		}
		return fmt.Errorf("decode: %w", err), nil
	}
	return nil, nil
}

// streamDecoder is a value that decodes itself from a json.Decoder in one
// pass (Order), where its UnmarshalJSON would cost more passes.
type streamDecoder interface {
	decodeFrom(dec *json.Decoder) error
}

// skipValue consumes one JSON value without keeping it.
type skipValue struct{}

// UnmarshalJSON implements json.Unmarshaler by ignoring the value.
func (*skipValue) UnmarshalJSON([]byte) error { return nil }
