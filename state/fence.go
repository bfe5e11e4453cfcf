package state

import (
	"fmt"
	"strconv"
)

// Script results shared by the fenced scripts.
const (
	resFenced = 0
	resOK     = 1
)

// fenceLua starts every fenced script: KEYS[1] is the job's lease key and
// ARGV[1] the caller's token. It returns resFenced unless the stored lease
// carries that token.
const fenceLua = `
local lease = redis.call('GET', KEYS[1])
if not lease or string.match(lease, '^(%d+):') ~= ARGV[1] then
  return 0
end
`

// leaseValue is what the lease key holds: the token first, so the scripts can
// read it without knowing the owner's spelling.
func leaseValue(token int64, owner string) string {
	return strconv.FormatInt(token, 10) + ":" + owner
}

// fenceArgs returns the lease key and token argument every fenced script takes
// first, or an error for a lease that cannot be valid.
func (s *Store) fenceArgs(l *Lease) (string, string, error) {
	if l == nil {
		return "", "", fmt.Errorf("state: nil lease: %w", ErrFenced)
	}
	return s.key("lease", l.Job), strconv.FormatInt(l.Token, 10), nil
}

// fencedResult maps a fenced script's integer result to an error.
func fencedResult(res int64, err error, what string) error {
	if err != nil {
		return fmt.Errorf("state: %s: %w", what, err)
	}
	if res == resFenced {
		return fmt.Errorf("state: %s: %w", what, ErrFenced)
	}
	return nil
}
