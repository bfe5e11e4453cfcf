package state

import (
	"context"
	"fmt"
	"iter"

	"github.com/redis/go-redis/v9"
)

// scanCount is the COUNT hint for the HSCAN pages of AllRecords.
const scanCount = 500

// putRecordsScript sets many hash fields at once, fenced: KEYS[1] lease key,
// KEYS[2] records hash; ARGV[1] token, then field, value pairs. HSET is
// called in chunks to stay below Lua's limit on unpacked arguments.
var putRecordsScript = redis.NewScript(fenceLua + `
local chunk = 200
for i = 2, #ARGV, chunk do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + chunk - 1, #ARGV)))
end
return 1
`)

// deleteRecordsScript deletes many hash fields, fenced: KEYS[1] lease key,
// KEYS[2] records hash; ARGV[1] token, then the fields.
var deleteRecordsScript = redis.NewScript(fenceLua + `
local chunk = 200
for i = 2, #ARGV, chunk do
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, math.min(i + chunk - 1, #ARGV)))
end
return 1
`)

// Records returns the stored values of ids in namespace ns, in one round
// trip. Ids without a record are absent from the map.
func (s *Store) Records(ctx context.Context, ns string, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.key("rec", ns), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("state: read %d records of %s: %w", len(ids), ns, err)
	}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out[ids[i]] = str
		}
	}
	return out, nil
}

// PutRecords stores every id → value of kv in namespace ns, all or none, in
// one round trip. It returns ErrFenced, and writes nothing, when l is no
// longer current.
func (s *Store) PutRecords(ctx context.Context, l *Lease, ns string, kv map[string]string) error {
	if len(kv) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(kv))
	for k, v := range kv {
		args = append(args, k, v)
	}
	return s.fencedHashWrite(ctx, putRecordsScript, l, ns, args, fmt.Sprintf("write %d records of %s", len(kv), ns))
}

// DeleteRecords removes ids from namespace ns. It returns ErrFenced, and
// deletes nothing, when l is no longer current.
func (s *Store) DeleteRecords(ctx context.Context, l *Lease, ns string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.fencedHashWrite(ctx, deleteRecordsScript, l, ns, args, fmt.Sprintf("delete %d records of %s", len(ids), ns))
}

func (s *Store) fencedHashWrite(ctx context.Context, script *redis.Script, l *Lease, ns string, args []any, what string) error {
	leaseKey, token, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	res, err := script.Run(ctx, s.rdb, []string{leaseKey, s.key("rec", ns)}, append([]any{token}, args...)...).Int64()
	return fencedResult(res, err, what)
}

// AllRecords walks every record of namespace ns as {id, value} pairs, a page
// of HSCAN at a time. Records written during the walk may or may not be seen,
// and a record may be seen twice (HSCAN's guarantees). After an error the
// walk ends.
func (s *Store) AllRecords(ctx context.Context, ns string) iter.Seq2[[2]string, error] {
	return func(yield func([2]string, error) bool) {
		key := s.key("rec", ns)
		var cursor uint64
		for {
			page, next, err := s.rdb.HScan(ctx, key, cursor, "", scanCount).Result()
			if err != nil {
				yield([2]string{}, fmt.Errorf("state: scan records of %s: %w", ns, err))
				return
			}
			for i := 0; i+1 < len(page); i += 2 {
				if !yield([2]string{page[i], page[i+1]}, nil) {
					return
				}
			}
			if next == 0 {
				return
			}
			cursor = next
		}
	}
}

// Lookup is what a job knows about one page of items: their records in the
// namespaces it asked for, and which of them are parked (dead-lettered or
// dropped).
type Lookup struct {
	// Records maps a namespace to the ids that have a record there.
	Records map[string]map[string]string
	// Parked holds the ids that are dead-lettered or dropped.
	Parked map[string]bool
}

// Lookup reads, in one pipelined round trip, the records of ids in each
// namespace of nss and which of ids job has parked.
func (s *Store) Lookup(ctx context.Context, job string, ids []string, nss ...string) (*Lookup, error) {
	out := &Lookup{Records: make(map[string]map[string]string, len(nss)), Parked: map[string]bool{}}
	for _, ns := range nss {
		out.Records[ns] = map[string]string{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	recs := make([]*redis.SliceCmd, len(nss))
	for i, ns := range nss {
		recs[i] = pipe.HMGet(ctx, s.key("rec", ns), ids...)
	}
	dead := pipe.HMGet(ctx, s.key("dl", job), ids...)
	dropped := pipe.HMGet(ctx, s.key("dropped", job), ids...)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("state: look up %d items of %s: %w", len(ids), job, err)
	}
	for i, ns := range nss {
		for k, v := range recs[i].Val() {
			if str, ok := v.(string); ok {
				out.Records[ns][ids[k]] = str
			}
		}
	}
	for _, cmd := range []*redis.SliceCmd{dead, dropped} {
		for k, v := range cmd.Val() {
			if v != nil {
				out.Parked[ids[k]] = true
			}
		}
	}
	return out, nil
}
