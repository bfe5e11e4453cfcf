package quipt

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
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
	creds credentials
	macs  *sync.Pool // of HMAC-SHA1 hashes keyed percent(consumerSecret)&percent(tokenSecret)
	now   func() time.Time
	nonce func() string
}

// newSigner returns the signer of creds.
func newSigner(creds credentials, now func() time.Time, nonce func() string) signer {
	key := []byte(percentEncode(creds.consumerSecret) + "&" + percentEncode(creds.tokenSecret))
	macs := &sync.Pool{New: func() any { return hmac.New(sha1.New, key) }}
	return signer{creds: creds, macs: macs, now: now, nonce: nonce}
}

// param is one protocol or query parameter, not yet encoded.
type param struct{ name, value string }

// sign sets req's Authorization header. The request's query parameters are
// signed; its body is not (Quipt bodies are JSON, RFC 5849 §3.4.1.3.1).
func (s signer) sign(req *http.Request) error {
	// The protocol parameters, in the byte order of their names.
	oauth := []param{
		{"oauth_consumer_key", s.creds.consumerKey},
		{"oauth_nonce", s.nonce()},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", strconv.FormatInt(s.now().Unix(), 10)},
		{"oauth_token", s.creds.token},
		{"oauth_version", "1.0"},
	}
	base, err := signatureBase(req.Method, req.URL, oauth)
	if err != nil {
		return err
	}
	signature := param{"oauth_signature", s.hmacSHA1(base)}
	oauth = slices.Insert(oauth, 2, signature) // after oauth_nonce, still in order

	var h strings.Builder
	h.Grow(320)
	h.WriteString("OAuth ")
	for i, p := range oauth {
		if i > 0 {
			h.WriteString(", ")
		}
		h.WriteString(p.name)
		h.WriteString(`="`)
		h.WriteString(percentEncode(p.value))
		h.WriteByte('"')
	}
	req.Header.Set("Authorization", h.String())
	return nil
}

// signatureBase builds the signature base string of RFC 5849 §3.4.1 from the
// method, the request URL (its query parameters included) and the oauth_*
// protocol parameters.
func signatureBase(method string, u *url.URL, oauth []param) (string, error) {
	params := make([]param, 0, len(oauth)+4)
	if u.RawQuery != "" {
		query, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return "", fmt.Errorf("parse query for signing: %w", err)
		}
		for name, values := range query {
			for _, v := range values {
				params = append(params, param{percentEncode(name), percentEncode(v)})
			}
		}
	}
	for _, p := range oauth {
		params = append(params, param{percentEncode(p.name), percentEncode(p.value)})
	}
	// §3.4.1.3.2: sort by encoded name, then by encoded value, byte-wise.
	slices.SortFunc(params, func(a, b param) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.value, b.value))
	})
	var normalized strings.Builder
	for i, p := range params {
		if i > 0 {
			normalized.WriteByte('&')
		}
		normalized.WriteString(p.name)
		normalized.WriteByte('=')
		normalized.WriteString(p.value)
	}
	var b strings.Builder
	b.Grow(2 * normalized.Len())
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('&')
	b.WriteString(percentEncode(baseStringURI(u)))
	b.WriteByte('&')
	b.WriteString(percentEncode(normalized.String()))
	return b.String(), nil
}

// baseStringURI is RFC 5849 §3.4.1.2: lower-case scheme and host, the port
// only when it is not the scheme's default, the path as sent, no query.
func baseStringURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		host += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// hmacSHA1 signs base with the signer's key and returns the base64 digest.
// A hash from the pool is reset, which restores its keyed state without
// hashing the key again.
func (s signer) hmacSHA1(base string) string {
	mac := s.macs.Get().(hash.Hash)
	defer s.macs.Put(mac)
	mac.Reset()
	_, _ = io.WriteString(mac, base)
	var sum [sha1.Size]byte
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
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
	first := strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 || !unreserved(byte(r)) })
	if first < 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 2*(len(s)-first))
	b.WriteString(s[:first])
	for i := first; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0F])
	}
	return b.String()
}
