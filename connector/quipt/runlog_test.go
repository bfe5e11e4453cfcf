package quipt

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// A retry warning of a call made in a job run (whose logger the scheduler puts
// on the context) carries the run's job and run_id.
func TestRetryWarningCarriesRunFields(t *testing.T) {
	var clientLog, runLog bytes.Buffer
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithLogger(zerolog.New(&clientLog)))
	srv.FailNext("/v2/orders/fulfillment/1/1", 1, http.StatusBadGateway)
	run := zerolog.New(&runLog).With().Str("job", "push-orders").Str("run_id", "cd34").Logger()
	if err := c.Ping(run.WithContext(ctxWithTimeout(t))); err != nil {
		t.Fatal(err)
	}
	line := runLog.String()
	if !strings.Contains(line, `"level":"warn"`) || !strings.Contains(line, `"job":"push-orders"`) || !strings.Contains(line, `"run_id":"cd34"`) {
		t.Errorf("run log %q: want a retry warning with job and run_id", line)
	}
	if strings.Contains(clientLog.String(), "retrying") {
		t.Errorf("client log %q, want the warning on the run's log", clientLog.String())
	}
}
