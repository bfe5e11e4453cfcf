package shipstationtest

// AddProduct stores p and returns it, assigning productId (when 0),
// createDate (when zero, the clock), modifyDate (when zero, createDate) and
// active (when nil, true).
func (s *Server) AddProduct(p Product) Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	p = p.clone()
	p.ProductID = s.data.productIDs.take(p.ProductID)
	if p.CreateDate.IsZero() {
		p.CreateDate = s.now()
	}
	if p.ModifyDate.IsZero() {
		p.ModifyDate = p.CreateDate
	}
	if p.Active == nil {
		p.Active = new(true)
	}
	s.data.products[p.ProductID] = &p
	return p.clone()
}

// Products returns every stored product in ascending productId order.
func (s *Server) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Product
	for _, p := range sortedValues(s.data.products) {
		out = append(out, p.clone())
	}
	return out
}
