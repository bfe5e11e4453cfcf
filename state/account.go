package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// AccountFact is something the preflight learned about the upstream accounts
// that the jobs depend on, kept so that a preflight that cannot reach
// ShipStation does not change what the jobs send.
type AccountFact string

// The facts shipsync keeps.
const (
	// FactUSPSCode is the ShipStation carrier code of the account's USPS
	// connection (stamps_com or usps).
	FactUSPSCode AccountFact = "usps-code"
)

// AccountFact returns the last value recorded for f, and whether there is one.
func (s *Store) AccountFact(ctx context.Context, f AccountFact) (string, bool, error) {
	v, err := s.rdb.HGet(ctx, s.key("account"), string(f)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state: read account fact %s: %w", f, err)
	}
	return v, true, nil
}

// PutAccountFact records v for f. It is not fenced: the preflight of any
// replica may record what it saw.
func (s *Store) PutAccountFact(ctx context.Context, f AccountFact, v string) error {
	if err := s.rdb.HSet(ctx, s.key("account"), string(f), v).Err(); err != nil {
		return fmt.Errorf("state: record account fact %s: %w", f, err)
	}
	return nil
}
