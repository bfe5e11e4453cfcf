package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// timeFormat is RFC 3339 in UTC with milliseconds: the format of every
// timestamp on a log line.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// newLogger builds the root logger: JSON lines (every line an object with a
// level, a millisecond timestamp and app=shipsync) or, for LOG_FORMAT=console,
// coloured lines for a person. The key "service" is left to the shipping
// service of the lines about an order.
func newLogger(w io.Writer, console, colour bool, level zerolog.Level) zerolog.Logger {
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: timeFormat, NoColor: !colour, FieldsExclude: []string{"app"}}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Str("app", "shipsync").Logger()
}

// redisLogger routes go-redis's own messages (failed dials, pool trouble),
// which it would otherwise print as plain text on stderr, into the root
// logger.
type redisLogger struct{ l zerolog.Logger }

func (r redisLogger) Printf(_ context.Context, format string, v ...any) {
	r.l.Warn().Str("component", "redis").Msg(fmt.Sprintf(format, v...))
}

// captureLibraryLogs sends the logs of libraries that keep a process-wide
// logger to l, and sets zerolog's process-wide time format (UTC, RFC 3339
// with milliseconds). go-redis and zerolog keep these at package level, so
// this is the one place shipsync sets process-wide state, in main's package.
func captureLibraryLogs(l zerolog.Logger) {
	if zerolog.TimeFieldFormat != timeFormat { // set once: later loggers only read it
		zerolog.TimeFieldFormat = timeFormat
		zerolog.TimestampFunc = func() time.Time { return time.Now().UTC() }
	}
	redis.SetLogger(redisLogger{l: l})
}
