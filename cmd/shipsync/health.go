package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthTimeout bounds `shipsync health`: a probe that hangs is a failed probe.
const healthTimeout = 2 * time.Second

// cmdHealth is `shipsync health`: it asks /healthz of the daemon listening on
// HTTP_ADDR (a wildcard host means this machine) and exits 0 when it answers
// 200 within healthTimeout, 1 otherwise. It is the image's HEALTHCHECK and an
// exec probe; it needs no other configuration.
func cmdHealth(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	url, err := healthURL(env["HTTP_ADDR"])
	if err != nil {
		fmt.Fprintf(stderr, "shipsync health: HTTP_ADDR: %v\n", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "shipsync health: %v\n", err)
		return exitFailed
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "shipsync health: %s: %v\n", url, err)
		return exitFailed
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "shipsync health: %s answered %s\n", url, resp.Status)
		return exitFailed
	}
	fmt.Fprintf(stdout, "shipsync health: %s ok\n", url)
	return exitOK
}

// healthURL is the /healthz address for HTTP_ADDR (default :8080).
func healthURL(addr string) (string, error) {
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
