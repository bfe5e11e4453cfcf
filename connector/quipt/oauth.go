package quipt

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
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
// request. Every call uses a new nonce and the current time.
type signer struct {
	creds credentials
	now   func() time.Time
	nonce func() string
}

// sign sets req's Authorization header. The request's query parameters are
// signed; its body is not (Quipt bodies are JSON, RFC 5849 §3.4.1.3.1).
func (s signer) sign(req *http.Request) error {
	oauth := map[string]string{
		"oauth_consumer_key":     s.creds.consumerKey,
		"oauth_token":            s.creds.token,
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(s.now().Unix(), 10),
		"oauth_nonce":            s.nonce(),
		"oauth_version":          "1.0",
	}
	base, err := signatureBase(req.Method, req.URL, oauth)
	if err != nil {
		return err
	}
	oauth["oauth_signature"] = hmacSHA1(base, s.creds.consumerSecret, s.creds.tokenSecret)

	names := make([]string, 0, len(oauth))
	for name := range oauth {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([]string, len(names))
	for i, name := range names {
		pairs[i] = percentEncode(name) + `="` + percentEncode(oauth[name]) + `"`
	}
	req.Header.Set("Authorization", "OAuth "+strings.Join(pairs, ", "))
	return nil
}

// signatureBase builds the signature base string of RFC 5849 §3.4.1 from the
// method, the request URL (its query parameters included) and the oauth_*
// protocol parameters.
func signatureBase(method string, u *url.URL, oauth map[string]string) (string, error) {
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("parse query for signing: %w", err)
	}
	var params [][2]string
	for name, values := range query {
		for _, v := range values {
			params = append(params, [2]string{percentEncode(name), percentEncode(v)})
		}
	}
	for name, v := range oauth {
		params = append(params, [2]string{percentEncode(name), percentEncode(v)})
	}
	// §3.4.1.3.2: sort by encoded name, then by encoded value, byte-wise.
	sort.Slice(params, func(i, j int) bool {
		if params[i][0] != params[j][0] {
			return params[i][0] < params[j][0]
		}
		return params[i][1] < params[j][1]
	})
	joined := make([]string, len(params))
	for i, p := range params {
		joined[i] = p[0] + "=" + p[1]
	}

	return strings.ToUpper(method) + "&" +
		percentEncode(baseStringURI(u)) + "&" +
		percentEncode(strings.Join(joined, "&")), nil
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

// hmacSHA1 signs base with the key percent(consumerSecret)&percent(tokenSecret)
// and returns the base64 digest.
func hmacSHA1(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// percentEncode is RFC 5849 §3.6: every byte of the UTF-8 string except the
// unreserved characters ALPHA, DIGIT, '-', '.', '_' and '~' becomes %XX with
// upper-case hex digits.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0F])
	}
	return b.String()
}
