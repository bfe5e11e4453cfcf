package transport

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// maxRedirects bounds the same-host redirects a read follows.
const maxRedirects = 5

// ErrRedirect is wrapped by the error of an answer redirecting where the
// transport does not follow: to another host (or scheme), or any redirect
// of a write. Such an answer is final: it is not repeated.
var ErrRedirect = errors.New("redirect refused")

// withRedirectPolicy returns a copy of hc (sharing its connections) whose
// redirects follow checkRedirect.
func withRedirectPolicy(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = checkRedirect
	return &c
}

// checkRedirect follows only a read's redirect to the same scheme and host,
// at most maxRedirects times; any other redirect ends the exchange with the
// redirect answer itself, which send turns into an ErrRedirect. A write is
// never sent anywhere but where it was addressed, and neither credentials
// nor an order's addresses ever go to another host.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	read := first.Method == http.MethodGet || first.Method == http.MethodHead
	sameHost := req.URL.Scheme == first.URL.Scheme && req.URL.Host == first.URL.Host
	if read && sameHost && len(via) <= maxRedirects {
		return nil
	}
	return http.ErrUseLastResponse
}

// redirectError is the error of a redirect answer that was not followed,
// naming its target (scheme, host and path: the query is left out).
func (t *Transport) redirectError(r Request, a Answer) error {
	target := a.Header.Get("Location")
	if u, err := url.Parse(target); err == nil {
		u.RawQuery, u.Fragment, u.User = "", "", nil
		target = u.String()
	}
	return &answerError{a.Status, t.wrap(r, fmt.Errorf("%w: %d to %q", ErrRedirect, a.Status, target))}
}

// isRedirect reports whether status is a redirect with a target.
func isRedirect(a Answer) bool {
	return a.Status >= 300 && a.Status < 400 && a.Header.Get("Location") != ""
}
