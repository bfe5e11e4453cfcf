package state

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// DeadLetter is an item that failed permanently. Jobs skip it until an
// operator retries it.
type DeadLetter struct {
	Job    string
	ID     string
	Reason string
	// At is when it failed last; PutDeadLetter fills in the current time when zero.
	At time.Time
	// Attempts counts how often the item was dead-lettered, 1 the first time.
	Attempts int
	// Detail is optional JSON context. It must never hold secrets.
	Detail string
}

// deadLetterBody is the stored JSON form; job, id and attempts live in the keys.
type deadLetterBody struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

// putDeadLetterScript upserts a dead letter, fenced: KEYS[1] lease key,
// KEYS[2] dead letters, KEYS[3] attempts, KEYS[4] job set; ARGV[1] lease value,
// ARGV[2] id, ARGV[3] body, ARGV[4] job, ARGV[5] attempts of a new entry.
var putDeadLetterScript = redis.NewScript(fenceLua + `
if redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) == 1 then
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[5])
else
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
end
redis.call('SADD', KEYS[4], ARGV[4])
return 1
`)

// dropDeadLetterScript moves a dead letter to the dropped hash: KEYS[1] dead
// letters, KEYS[2] attempts, KEYS[3] dropped; ARGV[1] id. It returns 0 when
// there was no such dead letter.
var dropDeadLetterScript = redis.NewScript(`
local body = redis.call('HGET', KEYS[1], ARGV[1])
if not body then
  return 0
end
redis.call('HSET', KEYS[3], ARGV[1], body)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`)

// PutDeadLetter records d, for the job d.Job (l's job when empty). When the
// item is dead-lettered already, its reason, time and detail are replaced and
// its attempts incremented; a new entry starts at d.Attempts, at least 1. It
// returns ErrFenced, and writes nothing, when l is no longer current.
func (s *Store) PutDeadLetter(ctx context.Context, l *Lease, d DeadLetter) error {
	leaseKey, lease, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	if d.Job == "" {
		d.Job = l.Job
	}
	if d.ID == "" {
		return fmt.Errorf("state: put dead letter of %s: empty id", d.Job)
	}
	if d.At.IsZero() {
		d.At = time.Now()
	}
	body, err := json.Marshal(deadLetterBody{Reason: d.Reason, At: d.At.UTC(), Detail: d.Detail})
	if err != nil {
		return fmt.Errorf("state: encode dead letter %s/%s: %w", d.Job, d.ID, err)
	}
	keys := []string{leaseKey, s.key("dl", d.Job), s.key("dl-attempts", d.Job), s.key("dl-jobs")}
	ctx, cancel := detached(ctx)
	defer cancel()
	res, err := putDeadLetterScript.Run(ctx, s.rdb, keys, lease, d.ID, body, d.Job, max(d.Attempts, 1)).Int64()
	return fencedResult(res, err, "put dead letter "+d.Job+"/"+d.ID)
}

// DeadLetters lists the dead letters of job, or of every job when job is "",
// oldest first.
func (s *Store) DeadLetters(ctx context.Context, job string) ([]DeadLetter, error) {
	jobs := []string{job}
	if job == "" {
		var err error
		if jobs, err = s.deadLetterJobs(ctx); err != nil {
			return nil, err
		}
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	bodies := make([]*redis.MapStringStringCmd, len(jobs))
	attempts := make([]*redis.MapStringStringCmd, len(jobs))
	for i, j := range jobs {
		bodies[i] = pipe.HGetAll(ctx, s.key("dl", j))
		attempts[i] = pipe.HGetAll(ctx, s.key("dl-attempts", j))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("state: list dead letters: %w", err)
	}
	var out []DeadLetter
	for i, j := range jobs {
		for id, raw := range bodies[i].Val() {
			var b deadLetterBody
			if err := json.Unmarshal([]byte(raw), &b); err != nil {
				return nil, fmt.Errorf("state: decode dead letter %s/%s: %w", j, id, err)
			}
			n, _ := strconv.Atoi(attempts[i].Val()[id]) // a missing count reads as 0
			out = append(out, DeadLetter{Job: j, ID: id, Reason: b.Reason, At: b.At, Attempts: n, Detail: b.Detail})
		}
	}
	slices.SortFunc(out, func(a, b DeadLetter) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Job, b.Job), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Parked reports, in one round trip, which of ids the job must skip: those
// dead-lettered and those an operator dropped. Ids not parked are absent.
func (s *Store) Parked(ctx context.Context, job string, ids []string) (map[string]bool, error) {
	out := make(map[string]bool)
	if len(ids) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	dead := pipe.HMGet(ctx, s.key("dl", job), ids...)
	dropped := pipe.HMGet(ctx, s.key("dropped", job), ids...)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("state: read parked items of %s: %w", job, err)
	}
	for _, cmd := range []*redis.SliceCmd{dead, dropped} {
		for i, v := range cmd.Val() {
			if v != nil {
				out[ids[i]] = true
			}
		}
	}
	return out, nil
}

// RetryDeadLetter removes the dead letter job/id, or lifts an earlier drop of
// it, so the job's next run picks the item up again. It reports false when the
// item was neither dead-lettered nor dropped. Operator action: not fenced.
func (s *Store) RetryDeadLetter(ctx context.Context, job, id string) (bool, error) {
	pipe := s.rdb.TxPipeline()
	dead := pipe.HDel(ctx, s.key("dl", job), id)
	pipe.HDel(ctx, s.key("dl-attempts", job), id)
	dropped := pipe.HDel(ctx, s.key("dropped", job), id)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("state: retry dead letter %s/%s: %w", job, id, err)
	}
	return dead.Val()+dropped.Val() > 0, nil
}

// DropDeadLetter removes the dead letter job/id from the list but keeps the
// item parked, so jobs skip it for good (until RetryDeadLetter). It reports
// false when there was no such dead letter. Operator action: not fenced.
func (s *Store) DropDeadLetter(ctx context.Context, job, id string) (bool, error) {
	keys := []string{s.key("dl", job), s.key("dl-attempts", job), s.key("dropped", job)}
	n, err := dropDeadLetterScript.Run(ctx, s.rdb, keys, id).Int64()
	if err != nil {
		return false, fmt.Errorf("state: drop dead letter %s/%s: %w", job, id, err)
	}
	return n == 1, nil
}

// CountDeadLetters returns the number of dead letters per job, for the
// metric. Jobs that had dead letters once and have none now map to 0.
func (s *Store) CountDeadLetters(ctx context.Context) (map[string]int, error) {
	jobs, err := s.deadLetterJobs(ctx)
	if err != nil {
		return nil, err
	}
	pipe := s.rdb.Pipeline()
	lens := make([]*redis.IntCmd, len(jobs))
	for i, j := range jobs {
		lens[i] = pipe.HLen(ctx, s.key("dl", j))
	}
	out := make(map[string]int, len(jobs))
	if len(jobs) == 0 {
		return out, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("state: count dead letters: %w", err)
	}
	for i, j := range jobs {
		out[j] = int(lens[i].Val())
	}
	return out, nil
}

func (s *Store) deadLetterJobs(ctx context.Context) ([]string, error) {
	jobs, err := s.rdb.SMembers(ctx, s.key("dl-jobs")).Result()
	if err != nil {
		return nil, fmt.Errorf("state: list jobs with dead letters: %w", err)
	}
	slices.Sort(jobs)
	return jobs, nil
}
