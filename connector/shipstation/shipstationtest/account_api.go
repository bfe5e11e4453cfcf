package shipstationtest

import (
	"net/http"
	"slices"
	"strings"
)

// listProducts serves GET /products: active products unless showInactive,
// sku matched exactly (any case), name as a substring.
func (s *Server) listProducts(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	sku := q.str("sku")
	name := strings.ToLower(q.str("name"))
	inactive := q.boolean("showInactive")
	p := q.paging()
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	var matched []*Product
	for _, pr := range sortedValues(s.data.products) {
		switch {
		case !inactive && !pr.active(),
			sku != "" && !strings.EqualFold(pr.SKU, sku),
			!strings.Contains(strings.ToLower(pr.Name), name):
			continue
		}
		matched = append(matched, pr)
	}
	spec := listSpec[Product]{
		id:     func(pr *Product) int64 { return pr.ProductID },
		render: func(pr *Product) any { return s.render.product(*pr) },
	}
	writeList(w, "products", paginate(matched, spec, p, s.loc))
}

// listUsers serves GET /users.
func (s *Server) listUsers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.data.users))
}

// listTags serves GET /accounts/listtags.
func (s *Server) listTags(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.data.tags))
}

// listStores serves GET /stores: active stores unless showInactive.
func (s *Server) listStores(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	inactive := q.boolean("showInactive")
	if q.err != nil {
		writeMessage(w, http.StatusBadRequest, q.err.Error())
		return
	}
	out := []storeJSON{}
	for _, st := range s.data.stores {
		if st.Active || inactive {
			out = append(out, s.render.store(st))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listWarehouses serves GET /warehouses.
func (s *Server) listWarehouses(w http.ResponseWriter, _ *http.Request) {
	out := []warehouseJSON{}
	for _, wh := range s.data.warehouses {
		out = append(out, s.render.warehouse(wh))
	}
	writeJSON(w, http.StatusOK, out)
}

// listCarriers serves GET /carriers.
func (s *Server) listCarriers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.data.carriers))
}

// listServices serves GET /carriers/listservices; the carrierCode must be
// one of the account's carriers.
func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	code := newQuery(r).str("carrierCode")
	if !slices.ContainsFunc(s.data.carriers, func(c Carrier) bool { return c.Code == code }) {
		writeMessage(w, http.StatusBadRequest, "Invalid carrierCode: '"+code+"' is not a carrier connected to this account.")
		return
	}
	writeJSON(w, http.StatusOK, nonNil(s.data.services[code]))
}

// nonNil makes a nil slice marshal as [] rather than null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
