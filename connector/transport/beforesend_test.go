package transport_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/shipsync/shipsync/connector/transport"
)

// BeforeSend runs right before each attempt of an AtMostOnce request (a
// rate-limited attempt is stamps again, so twice here), never for other
// requests, and its failure sends nothing more.
func TestBeforeSendRunsBeforeEachAttemptOfAnAtMostOnceWrite(t *testing.T) {
	var log bytes.Buffer
	tr, url := newTransport(t, &log, nil, http.StatusTooManyRequests)
	calls := 0
	ctx := transport.WithBeforeSend(t.Context(), func(context.Context) error { calls++; return nil })
	write := transport.Request{Method: http.MethodPost, Endpoint: "/w", Path: "/w", URL: url + "/w", AtMostOnce: true}
	if _, err := tr.Do(ctx, write); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("BeforeSend ran %d times for a rate-limited write stamps twice, want 2", calls)
	}
	if _, err := tr.Do(ctx, transport.Request{Method: http.MethodGet, Endpoint: "/r", Path: "/r", URL: url + "/r"}); err != nil || calls != 2 {
		t.Errorf("a read: err %v, BeforeSend ran %d times in all, want 2", err, calls)
	}

	fenced := errors.New("fenced")
	tr, url = newTransport(t, &log, nil)
	var stamps int
	failing := transport.WithBeforeSend(t.Context(), func(context.Context) error { stamps++; return fenced })
	_, err := tr.Do(failing, transport.Request{Method: http.MethodPost, Endpoint: "/w", Path: "/w", URL: url + "/w", AtMostOnce: true})
	if !errors.Is(err, fenced) || stamps != 1 {
		t.Errorf("a failing BeforeSend: err %v after %d calls, want the error after 1 call", err, stamps)
	}
}
