// Package redistest gives tests a Redis to talk to: the real server named by
// SHIPSYNC_TEST_REDIS_URL when it is set (and a test failure when that server
// cannot be reached), an in-process miniredis otherwise.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// EnvVar names the variable that points the tests at a real redis-server.
const EnvVar = "SHIPSYNC_TEST_REDIS_URL"

// Redis is one test's connection plus a key prefix no other test uses.
type Redis struct {
	Client redis.UniversalClient
	// Prefix is unique to the test, so tests sharing one real server never see
	// each other's keys.
	Prefix string
	// URL is a redis:// URL for the same server, for code that builds its own client.
	URL string
	// Mini is the embedded server when no real one was configured, else nil.
	Mini *miniredis.Miniredis
}

// New returns a Redis for t and registers its clean-up.
func New(t testing.TB) *Redis {
	t.Helper()
	r := &Redis{Prefix: "test-" + randomHex(t)}
	if url := os.Getenv(EnvVar); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("%s=%q: %v", EnvVar, url, err)
		}
		r.URL = url
		r.Client = redis.NewClient(opts)
	} else {
		r.Mini = miniredis.RunT(t)
		r.URL = "redis://" + r.Mini.Addr()
		r.Client = redis.NewClient(&redis.Options{Addr: r.Mini.Addr()})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Client.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s is not reachable: %v", r.URL, err)
	}
	t.Cleanup(func() {
		r.cleanup()
		_ = r.Client.Close()
	})
	return r
}

// Real reports whether the test runs against a real redis-server.
func (r *Redis) Real() bool { return r.Mini == nil }

// Wipe deletes every key of the test, as a Redis restarted without
// persistence would have lost them.
func (r *Redis) Wipe() {
	if r.Mini != nil {
		r.Mini.FlushAll()
		return
	}
	r.cleanup()
}

func (r *Redis) cleanup() {
	if r.Mini != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Keys may be wrapped in a hash tag, so match the prefix anywhere at the start.
	for _, pattern := range []string{r.Prefix + "*", "{" + r.Prefix + "}*"} {
		iter := r.Client.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			r.Client.Del(ctx, iter.Val())
		}
	}
}

func randomHex(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
