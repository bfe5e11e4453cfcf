package shipstationtest

import "net/http"

// routes maps the API's endpoints; anything else is a JSON 404.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", s.listOrders)
	mux.HandleFunc("GET /orders/listbytag", s.listOrdersByTag)
	mux.HandleFunc("GET /orders/{orderId}", s.getOrder)
	mux.HandleFunc("POST /orders/createorder", s.createOrder)
	mux.HandleFunc("POST /orders/createorders", s.createOrders)
	mux.HandleFunc("POST /orders/assignuser", s.assignUser)
	mux.HandleFunc("POST /orders/markasshipped", s.markAsShipped)
	mux.HandleFunc("GET /shipments", s.listShipments)
	mux.HandleFunc("GET /fulfillments", s.listFulfillments)
	mux.HandleFunc("GET /products", s.listProducts)
	mux.HandleFunc("GET /users", s.listUsers)
	mux.HandleFunc("GET /accounts/listtags", s.listTags)
	mux.HandleFunc("GET /stores", s.listStores)
	mux.HandleFunc("GET /warehouses", s.listWarehouses)
	mux.HandleFunc("GET /carriers", s.listCarriers)
	mux.HandleFunc("GET /carriers/listservices", s.listServices)
	mux.HandleFunc("/", notFound)
	return mux
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	writeMessage(w, http.StatusNotFound, "Not Found")
}
