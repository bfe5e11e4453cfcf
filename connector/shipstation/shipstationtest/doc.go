// Package shipstationtest is an in-process sandbox of the ShipStation API v1
// (docs/shipstation-api.md) for tests, benchmarks and `shipsync demo`.
//
// The sandbox is an independent implementation of the documented behaviour:
// Basic auth with a plain-text 401, a fixed-window rate limit with the
// X-Rate-Limit-* headers, Pacific local times without an offset, page-numbered
// list envelopes, the createorders upsert keyed by orderKey with its locked
// statuses and per-item failures, all-or-nothing assignuser, mark-as-shipped
// fulfillments, and shipments whose voids keep their createDate. Tests seed
// data and play the operator through methods on Server (AddOrder, CreateLabel,
// VoidLabel, CancelOrder, ...), inject faults (FailNext, DropNext,
// DropAfterApply, HoldNext, HoldNextUntil, SetLatency) and read back what the client did (Requests,
// MaxInWindow, CreateOrdersCalls, AssignUserCalls, MarkAsShippedCalls).
//
// Operator methods panic when given an unknown order or shipment ID: that is a
// mistake in the calling test, not a condition to handle.
package shipstationtest
