package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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
	answer := append([]byte(`{"Success":true,"Result":"`), bytes.Repeat([]byte("x"), floorAnswerBytes-28)...)
	answer = append(answer, `"}`...)
	for _, scheme := range []string{"http", "https"} {
		for _, latency := range []time.Duration{0, floorLatency} {
			b.Run(scheme+"/latency="+latency.String(), func(b *testing.B) {
				benchHTTPFloor(b, scheme == "https", latency, answer)
			})
		}
	}
}

// benchHTTPFloor is one case of BenchmarkHTTPFloor.
func benchHTTPFloor(b *testing.B, useTLS bool, latency time.Duration, answer []byte) {
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

// httpFloorClient is the child of BenchmarkHTTPFloor: it posts the
// requests httpFloorRequestsEnv asks for to url, floorConcurrency at a
// time, reads each answer to its end, and returns the exit code.
func httpFloorClient(url string) int {
	n, err := strconv.Atoi(os.Getenv(httpFloorRequestsEnv))
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "%s=%q: want a positive number\n", httpFloorRequestsEnv, os.Getenv(httpFloorRequestsEnv))
		return 2
	}
	tr := transport.NewHTTPTransport()
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
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	client := &http.Client{Timeout: floorTimeout, Transport: tr}
	body := bytes.Repeat([]byte("x"), floorRequestBytes)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for range floorConcurrency {
		wg.Go(func() {
			for next.Add(1) <= int64(n) && failed.Load() == nil {
				if err := postOnce(client, url, body); err != nil {
					failed.CompareAndSwap(nil, &err)
				}
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
