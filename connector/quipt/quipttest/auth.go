package quipttest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxClockSkew is how far an oauth_timestamp may be from the server clock.
const maxClockSkew = 10 * time.Minute

// authenticate checks r's OAuth 1.0a HMAC-SHA1 Authorization header and
// returns why it is rejected, or "" when it is accepted. An accepted nonce is
// remembered, so a replay is rejected.
func (s *Server) authenticate(r *http.Request) string {
	params, ok := parseOAuthHeader(r.Header.Get("Authorization"))
	if !ok {
		return "missing or malformed OAuth Authorization header"
	}
	if why := s.refusedParams(r, params); why != "" {
		return why
	}
	secs, err := strconv.ParseInt(params["oauth_timestamp"], 10, 64)
	if err != nil {
		return "malformed oauth_timestamp"
	}
	stamp, now := time.Unix(secs, 0), s.now()
	if stamp.Before(now.Add(-maxClockSkew)) || stamp.After(now.Add(maxClockSkew)) {
		return "oauth_timestamp is more than 10 minutes off"
	}
	want := s.expectedSignature(r, params)
	if !hmac.Equal([]byte(params["oauth_signature"]), []byte(want)) {
		return "invalid signature"
	}
	return s.useNonce(params["oauth_nonce"], stamp, now)
}

// refusedParams says why the protocol parameters of r are refused (the
// method, version, credentials, a missing nonce, OAuth parameters in the
// query), or "" when they are not.
func (s *Server) refusedParams(r *http.Request, params map[string]string) string {
	switch {
	case params["oauth_signature_method"] != "HMAC-SHA1":
		return "oauth_signature_method must be HMAC-SHA1"
	case params["oauth_version"] != "" && params["oauth_version"] != "1.0":
		return "oauth_version must be 1.0"
	case params["oauth_consumer_key"] != s.consumerKey:
		return "unknown consumer key"
	case params["oauth_token"] != s.token:
		return "unknown token"
	case params["oauth_nonce"] == "":
		return "missing oauth_nonce"
	}
	for name := range r.URL.Query() {
		if strings.HasPrefix(name, "oauth_") {
			return "OAuth parameters belong in the Authorization header only"
		}
	}
	return ""
}

// useNonce remembers nonce, signed at stamp, and returns "", or says why it
// is refused: it was used already. Nonces whose timestamps would now be
// refused are forgotten.
func (s *Server) useNonce(nonce string, stamp, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, t := range s.nonces {
		if now.Sub(t) > maxClockSkew || t.Sub(now) > maxClockSkew {
			delete(s.nonces, n) // its timestamp would be refused anyway
		}
	}
	if _, seen := s.nonces[nonce]; seen {
		return "nonce already used"
	}
	s.nonces[nonce] = stamp
	return ""
}

// parseOAuthHeader reads `OAuth k="v", ...` into decoded name/value pairs.
func parseOAuthHeader(h string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, false
	}
	params := map[string]string{}
	for _, field := range strings.Split(rest, ",") {
		name, quoted, ok := strings.Cut(strings.TrimSpace(field), "=")
		if !ok || len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
			return nil, false
		}
		value, err := url.PathUnescape(quoted[1 : len(quoted)-1])
		if err != nil {
			return nil, false
		}
		params[name] = value
	}
	return params, true
}

// expectedSignature recomputes the HMAC-SHA1 signature of r (RFC 5849
// §3.4): the oauth parameters but signature and realm, plus the query.
func (s *Server) expectedSignature(r *http.Request, oauth map[string]string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, v := range oauth {
		if k != "oauth_signature" && k != "realm" {
			pairs = append(pairs, pair{rfc3986(k), rfc3986(v)})
		}
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, pair{rfc3986(k), rfc3986(v)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var norm strings.Builder
	for i, p := range pairs {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.k + "=" + p.v)
	}

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	host = strings.TrimSuffix(host, map[string]string{"http": ":80", "https": ":443"}[scheme])
	path, _, _ := strings.Cut(r.RequestURI, "?")
	base := r.Method + "&" + rfc3986(scheme+"://"+host+path) + "&" + rfc3986(norm.String())

	mac := hmac.New(sha1.New, []byte(rfc3986(s.consumerSecret)+"&"+rfc3986(s.tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// rfc3986 percent-encodes everything but the unreserved characters.
// url.QueryEscape does the same except that it writes a space as '+'.
func rfc3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
