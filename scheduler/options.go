package scheduler

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultLeaseTTL   = 60 * time.Second
	minLeaseTTL       = 30 * time.Millisecond
	defaultCancelWait = 5 * time.Second
)

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithOwner names this replica in the leases it takes. The default is
// hostname-pid-random, unique per process.
func WithOwner(owner string) Option {
	return func(s *Scheduler) {
		if owner != "" {
			s.owner = owner
		}
	}
}

// WithLeaseTTL sets how long a job's lease lasts without renewal (default
// 60 s); a running job renews it every third of that. Values below 30 ms are
// raised to 30 ms.
func WithLeaseTTL(d time.Duration) Option {
	return func(s *Scheduler) { s.leaseTTL = max(d, minLeaseTTL) }
}

// WithHooks sets the hooks told about every run.
func WithHooks(h Hooks) Option {
	return func(s *Scheduler) { s.hooks = h }
}

// WithCancelWait sets how long Stop waits for runs after cancelling their
// contexts at the end of the grace period (default 5 s).
func WithCancelWait(d time.Duration) Option {
	return func(s *Scheduler) { s.cancelWait = max(d, 0) }
}

// defaultOwner is unique per process: hostname, pid and a random suffix.
func defaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	return fmt.Sprintf("%s-%d-%06x", host, os.Getpid(), rand.Uint32()>>8)
}

// deadHere reports whether owner names a process of this host (the form of
// defaultOwner: hostname-pid-random) that no longer exists. Any other owner,
// including one of another host, is presumed alive.
func deadHere(owner string) bool {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return false
	}
	rest, ok := strings.CutPrefix(owner, host+"-")
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
