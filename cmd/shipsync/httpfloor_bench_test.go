package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// floorLatency is the time a real Quipt takes to answer a call, for the
// benchmarks that measure the worker against it.
const floorLatency = 100 * time.Millisecond

// The HTTP floor's exchange: a body and an answer the size of a Quipt
// purchase-order create (the order in, the envelope with the created order
// out), sent eight at a time as QUIPT_CONCURRENCY's default, through a
// client with the Quipt connector's timeout.
const (
	floorRequestBytes = 800
	floorAnswerBytes  = 1500
	floorConcurrency  = 8
	floorTimeout      = 30 * time.Second
)

// httpFloorEnv marks a re-execution of this test binary as the client of
// BenchmarkHTTPFloor; its value is the URL to post to,
// httpFloorRequestsEnv says how many requests to make, and httpFloorCAEnv,
// for an https URL, names the PEM file of the server's certificate.
const (
	httpFloorEnv         = "SHIPSYNC_TEST_HTTP_FLOOR_URL"
	httpFloorRequestsEnv = "SHIPSYNC_TEST_HTTP_FLOOR_REQUESTS"
	httpFloorCAEnv       = "SHIPSYNC_TEST_HTTP_FLOOR_CA"
	httpFloorBareEnv     = "SHIPSYNC_TEST_HTTP_FLOOR_BARE"
)

// BenchmarkHTTPFloor measures the least CPU one Quipt write can cost the
// worker, which makes one per order: a child process (this test binary)
// makes benchOrders bare POSTs through net/http with shipsync's own HTTP
// transport (transport.NewHTTPTransport), and nothing else: no signing, no
// JSON, no Redis, no log line. It reports the child's CPU (user + system,
// from its rusage) per request, against a server that answers at once and
// against one that answers after floorLatency, as BenchmarkWorker* reports
// the worker's per order, and the child's context switches per request:
// over plain HTTP, as the sandboxes speak, and over TLS (HTTP/1.1), as the
// real Quipt does.
//
//	go test -run '^$' -bench 'HTTPFloor|Worker' -benchtime 1x ./cmd/shipsync/
func BenchmarkHTTPFloor(b *testing.B) {
	benchFloors(b, false)
}

// BenchmarkBareConnFloor is BenchmarkHTTPFloor with a child that speaks
// HTTP/1.1 itself (bareFloorClient): each of its floorConcurrency
// goroutines writes its requests on a connection of its own and reads the
// answers from it, with no net/http client in between (no connection pool,
// no reader and writer goroutines, no per-request timer). What it costs is
// what any Go client would pay for the exchange: the system calls, and the
// network poller waking the goroutine that waits for an answer.
func BenchmarkBareConnFloor(b *testing.B) {
	benchFloors(b, true)
}

// benchFloors runs the cases of BenchmarkHTTPFloor (bare false) or
// BenchmarkBareConnFloor (bare true).
func benchFloors(b *testing.B, bare bool) {
	answer := append([]byte(`{"Success":true,"Result":"`), bytes.Repeat([]byte("x"), floorAnswerBytes-28)...)
	answer = append(answer, `"}`...)
	for _, scheme := range []string{"http", "https"} {
		for _, latency := range []time.Duration{0, floorLatency} {
			b.Run(scheme+"/latency="+latency.String(), func(b *testing.B) {
				benchHTTPFloor(b, scheme == "https", bare, latency, answer)
			})
		}
	}
}

// benchHTTPFloor is one case of BenchmarkHTTPFloor (bare false) or
// BenchmarkBareConnFloor (bare true).
func benchHTTPFloor(b *testing.B, useTLS, bare bool, latency time.Duration, answer []byte) {
	var served atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n, err := io.Copy(io.Discard, r.Body); err != nil || n != floorRequestBytes {
			http.Error(w, fmt.Sprintf("read %d bytes of the body: %v", n, err), http.StatusBadRequest)
			return
		}
		time.Sleep(latency)
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	var caEnv []string
	if useTLS {
		srv.StartTLS()
		ca := filepath.Join(b.TempDir(), "ca.pem")
		cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(ca, cert, 0o600); err != nil {
			b.Fatal(err)
		}
		caEnv = []string{httpFloorCAEnv + "=" + ca}
	} else {
		srv.Start()
	}
	defer srv.Close()
	env := append([]string{httpFloorEnv + "=" + srv.URL}, caEnv...)
	if bare {
		env = append(env, httpFloorBareEnv+"=1")
	}
	n := benchOrders(b)
	var cpu time.Duration
	var switches int64
	b.StopTimer()
	for range b.N {
		served.Store(0)
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(append(os.Environ(), env...), httpFloorRequestsEnv+"="+strconv.Itoa(n))
		b.StartTimer()
		out, err := cmd.CombinedOutput()
		b.StopTimer()
		if err != nil {
			b.Fatalf("HTTP floor client: %v\n%s", err, out)
		}
		if got := served.Load(); got != int64(n) {
			b.Fatalf("the server answered %d requests, want %d", got, n)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		switches += contextSwitches(cmd.ProcessState)
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/request")
	b.ReportMetric(float64(switches)/float64(n*b.N), "ctxsw/request")
}

// httpFloorClient is the child of BenchmarkHTTPFloor and
// BenchmarkBareConnFloor: it posts the requests httpFloorRequestsEnv asks
// for to rawURL, floorConcurrency at a time, reads each answer to its end,
// and returns the exit code.
func httpFloorClient(rawURL string) int {
	n, err := strconv.Atoi(os.Getenv(httpFloorRequestsEnv))
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "%s=%q: want a positive number\n", httpFloorRequestsEnv, os.Getenv(httpFloorRequestsEnv))
		return 2
	}
	var tlsConfig *tls.Config
	if path := os.Getenv(httpFloorCAEnv); path != "" {
		cert, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(cert) {
			fmt.Fprintf(os.Stderr, "%s: no certificate\n", path)
			return 2
		}
		tlsConfig = &tls.Config{RootCAs: roots}
	}
	body := bytes.Repeat([]byte("x"), floorRequestBytes)
	var poster func() (func() error, error)
	if os.Getenv(httpFloorBareEnv) == "1" {
		poster = func() (func() error, error) { return bareFloorClient(rawURL, tlsConfig, body) }
	} else {
		tr := transport.NewHTTPTransport()
		tr.TLSClientConfig = tlsConfig
		client := &http.Client{Timeout: floorTimeout, Transport: tr}
		poster = func() (func() error, error) {
			return func() error { return postOnce(client, rawURL, body) }, nil
		}
	}
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for range floorConcurrency {
		wg.Go(func() {
			post, err := poster()
			for err == nil && next.Add(1) <= int64(n) && failed.Load() == nil {
				err = post()
			}
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
	}
	wg.Wait()
	if errp := failed.Load(); errp != nil {
		fmt.Fprintln(os.Stderr, *errp)
		return 1
	}
	return 0
}

// postOnce posts body to url and reads the answer to its end, so that the
// connection is kept for the next request.
func postOnce(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answer %d", resp.StatusCode)
	}
	return nil
}

// bareFloorClient opens a connection to rawURL's host (over TLS with
// tlsConfig when it is https) and returns a function that posts body on it
// as HTTP/1.1 and reads the answer to its end: one write of the request, and
// reads until the answer's Content-Length is in. It is the least an HTTP
// client can do for an exchange, and no more than the floor needs (it knows
// nothing of chunked answers, redirects or timeouts).
func bareFloorClient(rawURL string, tlsConfig *tls.Config, body []byte) (func() error, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	var conn net.Conn
	if u.Scheme == "https" {
		conn, err = tls.Dial("tcp", u.Host, tlsConfig)
	} else {
		conn, err = net.Dial("tcp", u.Host)
	}
	if err != nil {
		return nil, err
	}
	request := fmt.Appendf(nil, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", u.Host, len(body))
	request = append(request, body...)
	r := bufio.NewReader(conn)
	var answer []byte
	return func() error {
		if _, err := conn.Write(request); err != nil {
			return err
		}
		status, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(status, []byte("HTTP/1.1 200 ")) {
			return fmt.Errorf("answer %q", bytes.TrimSpace(status))
		}
		length := -1
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return err
			}
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				break
			}
			if name, value, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(name, []byte("Content-Length")) {
				if length, err = strconv.Atoi(string(bytes.TrimSpace(value))); err != nil {
					return fmt.Errorf("Content-Length %q: %w", value, err)
				}
			}
		}
		if length < 0 {
			return errors.New("answer without a Content-Length")
		}
		answer = slices.Grow(answer[:0], length)[:length]
		_, err = io.ReadFull(r, answer)
		return err
	}, nil
}
