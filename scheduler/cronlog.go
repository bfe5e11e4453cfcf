package scheduler

import "github.com/rs/zerolog"

// cronLogger adapts zerolog to cron.Logger. Cron's routine messages (wake,
// schedule, skip) go to debug level, its errors (recovered panics) to error.
type cronLogger struct{ log zerolog.Logger }

// Info logs a routine cron message at debug level.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug().Fields(keysAndValues).Msg("cron: " + msg)
}

// Error logs a cron error.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error().Err(err).Fields(keysAndValues).Msg("cron: " + msg)
}
