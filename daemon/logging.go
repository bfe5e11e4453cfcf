package daemon

import (
	"log"
	"strings"

	"github.com/rs/zerolog"
)

// stdLogger adapts the root logger for libraries that want a *log.Logger
// (net/http's server errors), so their lines are JSON with a level too.
func stdLogger(l zerolog.Logger, lvl zerolog.Level) *log.Logger {
	return log.New(levelWriter{l: l, lvl: lvl}, "", 0)
}

// levelWriter writes each line it is given as one event at its level.
type levelWriter struct {
	l   zerolog.Logger
	lvl zerolog.Level
}

func (w levelWriter) Write(p []byte) (int, error) {
	w.l.WithLevel(w.lvl).Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
