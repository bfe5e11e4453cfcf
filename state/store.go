package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ErrFenced reports that the lease's fencing token is no longer current: the
// lease expired or another owner holds it now, and the write was refused.
var ErrFenced = errors.New("state: lease is no longer current (fenced)")

// ErrLeaseHeld reports that another owner holds the job's lease.
var ErrLeaseHeld = errors.New("state: lease is held by another owner")

// Store reads and writes shipsync's state in Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string // "{prefix}", hash tag included
}

// New returns a Store keeping its keys under prefix on rdb.
func New(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: hashTag(prefix)}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("state: ping redis: %w", err)
	}
	return nil
}

// key joins the deployment prefix and parts into one key.
func (s *Store) key(parts ...string) string {
	k := s.prefix
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// hashTag wraps prefix in braces so every key of a deployment hashes to the same
// cluster slot.
func hashTag(prefix string) string { return "{" + prefix + "}" }
