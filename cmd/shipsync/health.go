package main

import (
	"context"
	"encoding/json"
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
// exec probe; it needs no other configuration. It says what it found in a
// line of text, or of JSON with LOG_FORMAT=json: on stdout when healthy, on
// stderr when not.
func cmdHealth(ctx context.Context, stdout, stderr io.Writer, env map[string]string) int {
	url, err := healthURL(env["HTTP_ADDR"])
	if err != nil {
		return healthReport(stderr, jsonAsked(env), "", fmt.Errorf("HTTP_ADDR: %w", err), exitUsage)
	}
	if err := probeHealth(ctx, url); err != nil {
		return healthReport(stderr, jsonAsked(env), url, err, exitFailed)
	}
	return healthReport(stdout, jsonAsked(env), url, nil, exitOK)
}

// probeHealth asks url, within healthTimeout, and returns why it is not
// healthy: no answer, or an answer other than 200.
func probeHealth(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

// healthReport writes health's verdict on url (err nil: healthy) to w, as
// one JSON object when asJSON, and returns code.
func healthReport(w io.Writer, asJSON bool, url string, err error, code int) int {
	switch {
	case asJSON:
		line := struct {
			Event string `json:"event"`
			URL   string `json:"url,omitempty"`
			OK    bool   `json:"ok"`
			Error string `json:"error,omitempty"`
		}{Event: "health", URL: url, OK: err == nil}
		if err != nil {
			line.Error = err.Error()
		}
		b, _ := json.Marshal(line) // strings and a bool always marshal
		fmt.Fprintln(w, string(b))
	case err != nil:
		fmt.Fprintf(w, "shipsync health: %v\n", err)
	default:
		fmt.Fprintf(w, "shipsync health: %s ok\n", url)
	}
	return code
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
