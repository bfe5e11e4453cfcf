package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// newLogger builds the root logger: JSON lines (every line an object with a
// level) or, for LOG_FORMAT=console, coloured lines for a person.
func newLogger(w io.Writer, console bool, level zerolog.Level) zerolog.Logger {
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Str("service", "shipsync").Logger()
}

// redisLogger routes go-redis's own messages (failed dials, pool trouble),
// which it would otherwise print as plain text on stderr, into the root
// logger.
type redisLogger struct{ l zerolog.Logger }

func (r redisLogger) Printf(_ context.Context, format string, v ...any) {
	r.l.Warn().Str("component", "redis").Msg(fmt.Sprintf(format, v...))
}

// captureLibraryLogs sends the logs of libraries that keep a process-wide
// logger to l. go-redis has only a package-level logger, so this is the one
// place shipsync sets process-wide state, in main's package.
func captureLibraryLogs(l zerolog.Logger) {
	redis.SetLogger(redisLogger{l: l})
}
