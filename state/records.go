package state

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// scanCount is the COUNT hint for the HSCAN pages of AllRecords.
const scanCount = 500

// putRecordsScript sets many hash fields at once, fenced: KEYS[1] lease key,
// KEYS[2] records hash; ARGV[1] lease value, then field, value pairs. HSET is
// called in chunks to stay below Lua's limit on unpacked arguments.
var putRecordsScript = redis.NewScript(fenceLua + `
local chunk = 200
for i = 2, #ARGV, chunk do
  redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + chunk - 1, #ARGV)))
end
return 1
`)

// deleteRecordsScript deletes many hash fields, fenced: KEYS[1] lease key,
// KEYS[2] records hash; ARGV[1] lease value, then the fields.
var deleteRecordsScript = redis.NewScript(fenceLua + `
local chunk = 200
for i = 2, #ARGV, chunk do
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, math.min(i + chunk - 1, #ARGV)))
end
return 1
`)

// putRecordSetsScript sets hash fields in several records hashes at once,
// fenced and all or none: KEYS[1] lease key, KEYS[2..n+1] the records hashes;
// ARGV[1] lease value, ARGV[2..n+1] how many field and value arguments follow for
// each hash in KEYS order, then those field, value pairs, hash after hash.
// Every hash is checked to be a hash (or absent) before anything is written,
// so a wrong-type key fails the call with nothing written.
var putRecordSetsScript = redis.NewScript(fenceLua + `
for k = 2, #KEYS do
  local t = redis.call('TYPE', KEYS[k])
  if type(t) == 'table' then t = t['ok'] end
  if t ~= 'hash' and t ~= 'none' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[k] .. ' holds a ' .. t .. ', not a hash')
  end
end
local chunk = 200
local pos = #KEYS + 1
for k = 2, #KEYS do
  local last = pos + tonumber(ARGV[k]) - 1
  for i = pos, last, chunk do
    redis.call('HSET', KEYS[k], unpack(ARGV, i, math.min(i + chunk - 1, last)))
  end
  pos = last + 1
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

// PutRecordSets stores, for every namespace ns of sets, every id → value of
// sets[ns] in ns: all namespaces and all records or none, in one round trip.
// It returns ErrFenced, and writes nothing, when l is no longer current.
// Namespaces with no records are left out; with none at all, nothing is sent.
func (s *Store) PutRecordSets(ctx context.Context, l *Lease, sets map[string]map[string]string) error {
	nss := make([]string, 0, len(sets))
	n := 0
	for ns, kv := range sets {
		if len(kv) > 0 {
			nss = append(nss, ns)
			n += len(kv)
		}
	}
	if len(nss) == 0 {
		return nil
	}
	slices.Sort(nss) // a stable key order, for logs and MONITOR
	leaseKey, lease, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	keys := make([]string, 0, 1+len(nss))
	keys = append(keys, leaseKey)
	args := make([]any, 0, 1+len(nss)+2*n)
	args = append(args, lease)
	for _, ns := range nss {
		keys = append(keys, s.key("rec", ns))
		args = append(args, strconv.Itoa(2*len(sets[ns])))
	}
	for _, ns := range nss {
		for k, v := range sets[ns] {
			args = append(args, k, v)
		}
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	res, err := putRecordSetsScript.Run(ctx, s.rdb, keys, args...).Int64()
	return fencedResult(res, err, fmt.Sprintf("write %d records of %s", n, strings.Join(nss, ", ")))
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
	leaseKey, lease, err := s.fenceArgs(l)
	if err != nil {
		return err
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	res, err := script.Run(ctx, s.rdb, []string{leaseKey, s.key("rec", ns)}, append([]any{lease}, args...)...).Int64()
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
	return s.LookupWithParkIDs(ctx, job, ids, ids, nss...)
}

// LookupWithParkIDs is Lookup for items whose dead letters go by other ids
// than their records: it reads, in one pipelined round trip, the records of
// ids in each namespace of nss and which of parkIDs job has parked. Records
// is keyed by ids, Parked by parkIDs.
func (s *Store) LookupWithParkIDs(ctx context.Context, job string, ids, parkIDs []string, nss ...string) (*Lookup, error) {
	q := LookupQuery{ParkIDs: parkIDs}
	for _, ns := range nss {
		q.Sets = append(q.Sets, RecordSet{NS: ns, IDs: ids})
	}
	return s.LookupAll(ctx, job, q)
}

// RecordSet is one namespace of records and the ids to read there.
type RecordSet struct {
	NS  string
	IDs []string
}

// LookupQuery is what one LookupAll reads: the records of each set, and
// which of ParkIDs are parked.
type LookupQuery struct {
	Sets    []RecordSet
	ParkIDs []string
}

// LookupAll reads, in one pipelined round trip, the records of every set of
// q (a namespace may come in several sets: their ids are read together) and
// which of q.ParkIDs job has parked. Records has an entry for every
// namespace of q, Parked is keyed by q.ParkIDs.
func (s *Store) LookupAll(ctx context.Context, job string, q LookupQuery) (*Lookup, error) {
	out := &Lookup{Records: make(map[string]map[string]string, len(q.Sets)), Parked: map[string]bool{}}
	var sets []RecordSet
	for _, set := range q.Sets {
		out.Records[set.NS] = map[string]string{}
		if len(set.IDs) > 0 {
			sets = append(sets, set)
		}
	}
	if len(sets) == 0 && len(q.ParkIDs) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	recs := make([]*redis.SliceCmd, len(sets))
	for i, set := range sets {
		recs[i] = pipe.HMGet(ctx, s.key("rec", set.NS), set.IDs...)
	}
	var parked []*redis.SliceCmd
	if len(q.ParkIDs) > 0 {
		parked = []*redis.SliceCmd{
			pipe.HMGet(ctx, s.key("dl", job), q.ParkIDs...),
			pipe.HMGet(ctx, s.key("dropped", job), q.ParkIDs...),
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("state: look up %d sets of records and %d dead letters of %s: %w", len(sets), len(q.ParkIDs), job, err)
	}
	for i, set := range sets {
		for k, v := range recs[i].Val() {
			if str, ok := v.(string); ok {
				out.Records[set.NS][set.IDs[k]] = str
			}
		}
	}
	for _, cmd := range parked {
		for k, v := range cmd.Val() {
			if v != nil {
				out.Parked[q.ParkIDs[k]] = true
			}
		}
	}
	return out, nil
}
