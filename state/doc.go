// Package state keeps everything shipsync needs to stay correct in Redis
// (DESIGN.md §5): job leases with fencing tokens, cursors, link and
// idempotency records, dead letters, last-run records and the ShipStation
// rate budget shared by every replica.
//
// # Key layout
//
// Every key starts with the deployment's prefix wrapped in a hash tag,
// "{prefix}:", so all of a deployment's keys live in one Redis Cluster slot and
// the multi-key Lua scripts below work on a cluster too. With P = "{prefix}":
//
//	P:lease:<job>                   string "<token>:<owner>", PX = lease TTL
//	P:lease-token:<job>             integer, the last fencing token granted: INCR'd for every lease, and never below the server's clock in µs
//	P:cursor:<job>                  hash  <cursor name> -> "<unix seconds>.<nanoseconds, 9 digits>"
//	P:rec:<namespace>               hash  <id> -> opaque value (links, idempotency keys)
//	P:dl:<job>                      hash  <id> -> JSON {reason, at, detail} (the dead letter)
//	P:dl-attempts:<job>             hash  <id> -> attempts of the dead letter
//	P:dropped:<job>                 hash  <id> -> JSON of the dead letter when an operator dropped it
//	P:dl-jobs                       set   of jobs that ever had a dead letter
//	P:run:<job>                     hash  last_at, last_ok, last_success (unix nanoseconds)
//	P:account                       hash  <fact> -> value the preflight learned (e.g. usps-code)
//	P:ratebudget:<key id>:log       sorted set of claims, scored by server time in ms
//	P:ratebudget:<key id>:pause     string: server time in ms before which nobody may send
//
// # Fencing
//
// A job run holds a [Lease]. Every write a run makes passes its lease, and one
// Lua script per write compares what the job's lease key holds (token and
// owner) with the lease before writing anything. When the lease expired or
// another owner took it over, the script writes nothing and the call returns
// [ErrFenced]. A Redis that lost its data lost the token counter too; tokens
// are never below the server's clock in µs, so those granted after the loss
// stay above those granted before it, and the owner is compared as well. Operator actions (retrying or dropping dead letters) and run
// records are not fenced.
//
// The fenced writes ([Store.PutRecords], [Store.PutRecordSets],
// [Store.DeleteRecords], [Store.AdvanceCursor], [Store.PutDeadLetter]) and
// [Store.ReleaseLease] run detached from the caller's cancellation
// (context.WithoutCancel), bounded by a short timeout of their own (5 s). They
// record effects already applied remotely, and a run's context may end just
// before them (SIGTERM's grace period, the run's timeout, a cancelled "once"):
// were they cancelled with it, the record of work done would be lost and the
// effect could be applied again. Detaching does not weaken the fence: a stale
// lease is refused whatever the context. [Store.RenewLease] and every read
// honour the caller's context.
package state
