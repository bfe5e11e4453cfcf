package shipstationtest

import "slices"

// AssignUserCall is an applied POST /orders/assignuser.
type AssignUserCall struct {
	OrderIDs []int64
	UserID   string
}

// MarkAsShippedCall is an applied POST /orders/markasshipped.
type MarkAsShippedCall struct {
	OrderID            int64
	CarrierCode        string
	ShipDate           string // as sent, "" when omitted
	TrackingNumber     string
	NotifyCustomer     bool
	NotifySalesChannel bool
}

// callLog records the write calls that reached the API (not the ones
// rejected by auth, the rate limit or an injected fault).
type callLog struct {
	createOrders  [][]string
	assignUser    []AssignUserCall
	markAsShipped []MarkAsShippedCall
}

// CreateOrdersCalls returns, for every POST /orders/createorders that was
// processed (a JSON array of at most 100), the orderKey of each element as
// sent ("" when absent or unreadable), in request order. Its length per call
// is the batch size.
func (s *Server) CreateOrdersCalls() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]string, len(s.calls.createOrders))
	for i, keys := range s.calls.createOrders {
		out[i] = slices.Clone(keys)
	}
	return out
}

// AssignUserCalls returns the applied POST /orders/assignuser calls.
func (s *Server) AssignUserCalls() []AssignUserCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AssignUserCall, len(s.calls.assignUser))
	for i, c := range s.calls.assignUser {
		c.OrderIDs = slices.Clone(c.OrderIDs)
		out[i] = c
	}
	return out
}

// AssignCount returns how many applied assignuser calls included orderID.
func (s *Server) AssignCount(orderID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls.assignUser {
		if slices.Contains(c.OrderIDs, orderID) {
			n++
		}
	}
	return n
}

// MarkAsShippedCalls returns the applied POST /orders/markasshipped calls.
func (s *Server) MarkAsShippedCalls() []MarkAsShippedCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls.markAsShipped)
}

// MarkAsShippedCount returns how many applied markasshipped calls were for
// orderID.
func (s *Server) MarkAsShippedCount(orderID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls.markAsShipped {
		if c.OrderID == orderID {
			n++
		}
	}
	return n
}
