package quipt

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// credentials are the four OAuth 1.0a values. The secrets never leave this
// file except as HMAC key material.
type credentials struct {
	consumerKey    string
	consumerSecret string
	token          string
	tokenSecret    string
}

// signer adds an OAuth 1.0a HMAC-SHA1 Authorization header (RFC 5849) to a
// request. Every call uses a new nonce and the current time; the signing key
// is built once.
type signer struct {
	creds  credentials
	states *sync.Pool // of *signState
	now    func() time.Time
	nonce  func() string
}

// signState is what one signature is written with, pooled so that signing
// allocates little more than the header it sets: an HMAC-SHA1 keyed
// percent(consumerSecret)&percent(tokenSecret), which Reset restores to its
// keyed state without hashing the key again, and a buffer for the base
// string and then the header.
type signState struct {
	mac hash.Hash
	buf []byte
}

// newSigner returns the signer of creds.
func newSigner(creds credentials, now func() time.Time, nonce func() string) signer {
	key := []byte(percentEncode(creds.consumerSecret) + "&" + percentEncode(creds.tokenSecret))
	states := &sync.Pool{New: func() any {
		return &signState{mac: hmac.New(sha1.New, key), buf: make([]byte, 0, 512)}
	}}
	return signer{creds: creds, states: states, now: now, nonce: nonce}
}

// param is one protocol or query parameter.
type param struct{ name, value string }

// sign sets req's Authorization header. The request's query parameters are
// signed; its body is not (Quipt bodies are JSON, RFC 5849 §3.4.1.3.1).
func (s signer) sign(req *http.Request) error {
	// The protocol parameters but the signature, in the byte order of
	// their names; the signature goes after oauth_nonce.
	protocol := [...]param{
		{"oauth_consumer_key", s.creds.consumerKey},
		{"oauth_nonce", s.nonce()},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", strconv.FormatInt(s.now().Unix(), 10)},
		{"oauth_token", s.creds.token},
		{"oauth_version", "1.0"},
	}
	st := s.states.Get().(*signState)
	defer s.states.Put(st)
	base, err := appendSignatureBase(st.buf[:0], req.Method, req.URL, protocol[:])
	if err != nil {
		return err
	}
	st.mac.Reset()
	st.mac.Write(base)
	var sum [sha1.Size]byte
	var signature [28]byte // the base64 of 20 bytes
	base64.StdEncoding.Encode(signature[:], st.mac.Sum(sum[:0]))

	h := append(base[:0], "OAuth "...)
	for i, p := range protocol {
		if i > 0 {
			h = append(h, ", "...)
		}
		h = appendHeaderParam(h, p.name, p.value)
		if p.name == "oauth_nonce" {
			h = append(h, ", "...)
			h = appendHeaderParam(h, "oauth_signature", signature[:])
		}
	}
	st.buf = h
	req.Header["Authorization"] = []string{string(h)}
	return nil
}

// appendHeaderParam appends name="value" as the Authorization header
// carries a parameter (RFC 5849 §3.5.1), the value percent-encoded.
func appendHeaderParam[T ~string | ~[]byte](h []byte, name string, value T) []byte {
	h = append(h, name...)
	h = append(h, `="`...)
	h = appendPercent(h, value)
	return append(h, '"')
}

// appendSignatureBase appends the signature base string of RFC 5849 §3.4.1,
// built from the method, the request URL (its query parameters included)
// and the oauth_* protocol parameters, to b.
func appendSignatureBase(b []byte, method string, u *url.URL, protocol []param) ([]byte, error) {
	var stack [16]param
	params := stack[:0] // encoded
	if u.RawQuery != "" {
		query, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("parse query for signing: %w", err)
		}
		for name, values := range query {
			for _, v := range values {
				params = append(params, param{percentEncode(name), percentEncode(v)})
			}
		}
	}
	for _, p := range protocol {
		params = append(params, param{percentEncode(p.name), percentEncode(p.value)})
	}
	// §3.4.1.3.2: sort by encoded name, then by encoded value, byte-wise.
	slices.SortFunc(params, func(a, b param) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.value, b.value))
	})
	b = append(b, strings.ToUpper(method)...)
	b = append(b, '&')
	var uri [256]byte
	b = appendPercent(b, appendBaseStringURI(uri[:0], u))
	b = append(b, '&')
	// The normalized parameters (§3.4.1.3.2), percent-encoded once more
	// as they are written: '=' and '&' become %3D and %26.
	for i, p := range params {
		if i > 0 {
			b = append(b, "%26"...)
		}
		b = appendPercent(b, p.name)
		b = append(b, "%3D"...)
		b = appendPercent(b, p.value)
	}
	return b, nil
}

// appendBaseStringURI appends RFC 5849 §3.4.1.2's base string URI to b:
// lower-case scheme and host, the port only when it is not the scheme's
// default, the path as sent, no query.
func appendBaseStringURI(b []byte, u *url.URL) []byte {
	scheme := strings.ToLower(u.Scheme)
	b = append(b, scheme...)
	b = append(b, "://"...)
	b = append(b, strings.ToLower(u.Hostname())...)
	if port := u.Port(); port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		b = append(b, ':')
		b = append(b, port...)
	}
	if path := u.EscapedPath(); path != "" {
		return append(b, path...)
	}
	return append(b, '/')
}

// unreserved reports whether c is one of RFC 5849 §3.6's unreserved
// characters: ALPHA, DIGIT, '-', '.', '_' and '~'.
func unreserved(c byte) bool {
	return ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// percentEncode is RFC 5849 §3.6: every byte of the UTF-8 string except the
// unreserved characters becomes %XX with upper-case hex digits. A string with
// nothing to encode is returned as it is.
func percentEncode(s string) string {
	for i := range len(s) {
		if !unreserved(s[i]) {
			return string(appendPercent(make([]byte, 0, len(s)+2*(len(s)-i)), s))
		}
	}
	return s
}

// appendPercent appends s to b, percent-encoded as percentEncode does.
func appendPercent[T ~string | ~[]byte](b []byte, s T) []byte {
	const hex = "0123456789ABCDEF"
	for i := range len(s) {
		if c := s[i]; unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&0x0F])
		}
	}
	return b
}
