package jobstest

import (
	"net"
	"testing"
)

// FreeAddr returns a local address nothing listens on (a dead upstream, or
// a port for a server the test starts).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
