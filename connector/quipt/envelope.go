package quipt

import (
	"encoding/json"
	"fmt"

	"github.com/shipsync/shipsync/connector/jsonfields"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// Message severities.
const (
	SeverityInfo    = "Info"
	SeverityWarning = "Warning"
	SeverityError   = "Error"
)

// CodeDuplicate is the code of the Info message a write carries when it
// repeated an earlier write with the same idempotency key.
const CodeDuplicate = "Duplicate"

// Message is one entry of an envelope's Messages.
type Message struct {
	Severity    string `json:"Severity"`
	Code        string `json:"Code"`
	Description string `json:"Description"`
}

// envelope is the body of every Quipt response.
type envelope struct {
	Paging          *paging         `json:"Paging"`
	Result          json.RawMessage `json:"Result"`
	TransactionID   string          `json:"TransactionId"`
	TransactionTime string          `json:"TransactionTime"`
	Success         bool            `json:"Success"`
	Messages        []Message       `json:"Messages"`
}

// paging is the envelope's Paging block on list calls.
type paging struct {
	PageNumber     int  `json:"PageNumber"`
	Total          int  `json:"Total"`
	HasMoreRecords bool `json:"HasMoreRecords"`
}

// failed reports whether the envelope says the call did not succeed.
func (e *envelope) failed() bool {
	if !e.Success {
		return true
	}
	for _, m := range e.Messages {
		if m.Severity == SeverityError {
			return true
		}
	}
	return false
}

// duplicate reports whether a write answered with the Info "Duplicate" message.
func (e *envelope) duplicate() bool {
	for _, m := range e.Messages {
		if m.Severity == SeverityInfo && m.Code == CodeDuplicate {
			return true
		}
	}
	return false
}

// InvalidItem is a list item that could not be decoded or failed validation.
// It is reported beside the page's good items instead of failing the page.
type InvalidItem struct {
	// Index is the item's position in the page's Result array.
	Index int
	// ID is the item's Id when it could be read, else "".
	ID string
	// Err says what was wrong.
	Err error
	// Raw is the item as received.
	Raw json.RawMessage
}

// Page is one page of a list call.
type Page[T any] struct {
	// Items are the page's well-formed items, in server order.
	Items []T
	// Invalid are the page's malformed items.
	Invalid []InvalidItem
	// PageNumber is the page's number, from 1.
	PageNumber int
	// Total is the number of records across all pages, as the server reports it.
	Total int
	// HasMore is the server's HasMoreRecords.
	HasMore bool
}

// Size is the number of items of the page, the malformed ones included.
func (p *Page[T]) Size() int { return len(p.Items) + len(p.Invalid) }

// ListTotal is the number of records across all pages, as the server
// reported it.
func (p *Page[T]) ListTotal() int { return p.Total }

// decodeItem decodes one item with decode and validates it.
func decodeItem[T any](raw []byte, decode jsonfields.Decoder[T], validate func(*T) error) (T, error) {
	var item T
	if err := decode(&item, raw); err != nil {
		var zero T
		return zero, fmt.Errorf("decode: %w", err)
	}
	if err := validate(&item); err != nil {
		var zero T
		return zero, err
	}
	return item, nil
}

// itemID reads an item's Id on a best-effort basis: "" when the item is not
// an object or has no Id, the number as written when the Id is a number.
func itemID(raw []byte) string {
	value, _ := idMember(raw) // as far as a malformed item lets the walk go
	if value == nil || string(value) == "null" {
		return ""
	}
	if s, err := jsonscan.String(value); err == nil {
		return s
	}
	return string(value)
}

// idMember walks the object raw and returns the bytes of its Id member (the
// last, as json.Unmarshal keeps the last), nil when it has none, and the
// walk's error.
func idMember(raw []byte) ([]byte, error) {
	var id []byte
	_, err := jsonscan.Object(raw, 0, func(key, value []byte) error {
		if jsonscan.KeyIs(key, "Id") {
			id = value
		}
		return nil
	})
	return id, err
}
