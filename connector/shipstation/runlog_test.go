package shipstation

import (
	"bytes"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
)

// A retry warning of a call made in a job run (whose logger the scheduler puts
// on the context) carries the run's job and run_id.
func TestRetryWarningCarriesRunFields(t *testing.T) {
	var clientLog, runLog bytes.Buffer
	c, mux, _ := setup(t, WithLogger(zerolog.New(&clientLog)))
	var hits atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			writeJSON(t, w, 503, map[string]string{"message": "busy"})
			return
		}
		writeJSON(t, w, 200, []User{})
	})
	run := zerolog.New(&runLog).With().Str("job", "get-orders").Str("run_id", "ab12").Logger()
	if _, err := c.Users.List(run.WithContext(t.Context())); err != nil {
		t.Fatal(err)
	}
	line := runLog.String()
	if !strings.Contains(line, `"level":"warn"`) || !strings.Contains(line, `"job":"get-orders"`) || !strings.Contains(line, `"run_id":"ab12"`) {
		t.Errorf("run log %q: want a retry warning with job and run_id", line)
	}
	if clientLog.Len() != 0 {
		t.Errorf("client log %q, want nothing", clientLog.String())
	}
}
