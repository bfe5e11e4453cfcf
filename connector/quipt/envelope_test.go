package quipt

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzScanEnvelope compares the one-scan envelope reader with json.Unmarshal
// into the envelope on any well-formed input: the same success and the same
// fields, Result as its bytes.
func FuzzScanEnvelope(f *testing.F) {
	f.Add(`{"Success":true,"Messages":[],"TransactionId":"t1","TransactionTime":"2026-03-02T17:01:02Z","Result":{"Id":"o1"}}`)
	f.Add(`{"success":false,"messages":[{"Severity":"Error","Code":"E1","Description":"bad"}],"paging":{"PageNumber":2,"Total":5,"HasMoreRecords":true},"Result":[1,2]}`)
	f.Add(`{"Success":"yes","TransactionId":7,"Result":null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		if !json.Valid([]byte(doc)) {
			return
		}
		var want envelope
		wantErr := json.Unmarshal([]byte(doc), &want)
		var got envelope
		gotErr := scanEnvelope([]byte(doc), &got, func(raw []byte) error { got.Result = raw; return nil })
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: scanEnvelope: %v, json.Unmarshal: %v", doc, gotErr, wantErr)
		}
		if wantErr != nil {
			return
		}
		if string(want.Result) == "null" && got.Result == nil {
			got.Result = want.Result // json.RawMessage keeps null's bytes; absent and null read alike
		}
		// An empty Messages is left nil (the reader's shortcut for []).
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(envelope{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: scanEnvelope differs from json.Unmarshal (-want +got):\n%s", doc, diff)
		}
	})
}

// TestGarbledListItemIsInvalidNotThePage: an item that is not well-formed
// JSON but whose brackets and strings close is found so by its decoding and
// lands in Invalid with its bytes (DESIGN.md §6: bad input fails that one
// item, never the page); one whose end cannot be found fails the page.
func TestGarbledListItemIsInvalidNotThePage(t *testing.T) {
	raw := []byte(`[{"Id":"a"}, {"Id":"b","Status":tru}, {"Id":"c","Lines":[1 2]}, {"Id":"d"}]`)
	var page Page[Order]
	if err := decodeResult(raw, &page, newOrderDecoder().Read, validateOrder); err != nil {
		t.Fatal(err)
	}
	var ids, bad []string
	for _, o := range page.Items {
		ids = append(ids, o.ID)
	}
	for _, inv := range page.Invalid {
		bad = append(bad, fmt.Sprintf("%d:%s:%s", inv.Index, inv.ID, inv.Raw))
	}
	if got := strings.Join(ids, ","); got != "a,d" {
		t.Errorf("items %s, want a,d", got)
	}
	if got := strings.Join(bad, " "); got != `1:b:{"Id":"b","Status":tru} 2:c:{"Id":"c","Lines":[1 2]}` {
		t.Errorf("invalid %s", got)
	}
	if err := decodeResult([]byte(`[{"Id":"a"}, {"Id":"b"`), &Page[Order]{}, newOrderDecoder().Read, validateOrder); err == nil {
		t.Error("a Result cut off inside an item decoded")
	}
	// An item nested deeper than encoding/json allows (jsonscan's limit).
	deep := strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001)
	page = Page[Order]{}
	if err := decodeResult([]byte(`[{"Id":"e","Extra":`+deep+`},{"Id":"f"}]`), &page, newOrderDecoder().Read, validateOrder); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != "f" || len(page.Invalid) != 1 || page.Invalid[0].ID != "e" {
		t.Errorf("a page with an item nested 10,001 levels deep: %d items, %d invalid; want f, and e invalid", len(page.Items), len(page.Invalid))
	}
}
