package shipstationtest

import "slices"

// SetCarriers replaces the carrier accounts of GET /carriers. A carrier code
// not among them is unknown to /carriers/listservices.
func (s *Server) SetCarriers(carriers []Carrier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.carriers = slices.Clone(carriers)
}

// SetServices replaces the services listed for a carrier code.
func (s *Server) SetServices(carrierCode string, services []Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.services[carrierCode] = slices.Clone(services)
}

// SetStores replaces the stores of GET /stores. The first store with
// marketplaceId 0 (else the first store) is where orders created without a
// storeId go.
func (s *Server) SetStores(stores []Store) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.stores = slices.Clone(stores)
}

// SetWarehouses replaces the ship-from locations of GET /warehouses.
func (s *Server) SetWarehouses(warehouses []Warehouse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.warehouses = slices.Clone(warehouses)
}

// SetUsers replaces the users of GET /users; assignuser accepts only these.
func (s *Server) SetUsers(users []User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.users = slices.Clone(users)
}

// SetTags replaces the tags of GET /accounts/listtags.
func (s *Server) SetTags(tags []Tag) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.tags = slices.Clone(tags)
}
