package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Fields of a job's run hash.
const (
	runLastAt      = "last_at"
	runLastOK      = "last_ok"
	runLastSuccess = "last_success"
)

// RecordRun records that a run of job finished at at, successfully or not.
// Not fenced: it describes what happened, whoever ran it.
func (s *Store) RecordRun(ctx context.Context, job string, ok bool, at time.Time) error {
	nanos := strconv.FormatInt(at.UnixNano(), 10)
	fields := []any{runLastAt, nanos, runLastOK, strconv.FormatBool(ok)}
	if ok {
		fields = append(fields, runLastSuccess, nanos)
	}
	if err := s.rdb.HSet(ctx, s.key("run", job), fields...).Err(); err != nil {
		return fmt.Errorf("state: record run of %s: %w", job, err)
	}
	return nil
}

// LastSuccess returns when a run of job last finished successfully, and
// whether one ever did.
func (s *Store) LastSuccess(ctx context.Context, job string) (time.Time, bool, error) {
	v, err := s.rdb.HGet(ctx, s.key("run", job), runLastSuccess).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("state: read last success of %s: %w", job, err)
	}
	nanos, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("state: read last success of %s: malformed %q", job, v)
	}
	return time.Unix(0, nanos).UTC(), true, nil
}
