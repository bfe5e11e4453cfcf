package quipt

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// parseAuthHeader splits an `OAuth k="v", ...` header into decoded values.
func parseAuthHeader(t *testing.T, h string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		t.Fatalf("Authorization %q does not start with OAuth", h)
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(part, "=")
		dec, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Fatalf("header value %q: %v", v, err)
		}
		out[k] = dec
	}
	return out
}

// OAuth Core 1.0 Appendix A.5 (the photos.example.net request, also used by
// RFC 5849's examples): signer output must match the published signature.
func TestSignMatchesPublishedExample(t *testing.T) {
	s := newSigner(
		credentials{
			consumerKey: "dpf43f3p2l4k3l03", consumerSecret: "kd94hf93k423kf44",
			token: "nnch734d00sl2jdk", tokenSecret: "pfkkdhi9sl3r4s00",
		},
		func() time.Time { return time.Unix(1191242096, 0) },
		func() string { return "kllo9940pd9333jh" },
	)
	req, err := http.NewRequest(http.MethodGet, "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.sign(req); err != nil {
		t.Fatal(err)
	}
	got := parseAuthHeader(t, req.Header.Get("Authorization"))
	want := map[string]string{
		"oauth_consumer_key":     "dpf43f3p2l4k3l03",
		"oauth_token":            "nnch734d00sl2jdk",
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        "1191242096",
		"oauth_nonce":            "kllo9940pd9333jh",
		"oauth_version":          "1.0",
		"oauth_signature":        "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
	}
	if len(got) != len(want) {
		t.Errorf("header has %d parameters, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if strings.Contains(req.URL.RawQuery, "oauth_") {
		t.Errorf("OAuth parameters leaked into the query: %s", req.URL.RawQuery)
	}

	base, err := appendSignatureBase(nil, http.MethodGet, req.URL, []param{
		{"oauth_consumer_key", "dpf43f3p2l4k3l03"}, {"oauth_token", "nnch734d00sl2jdk"},
		{"oauth_signature_method", "HMAC-SHA1"}, {"oauth_timestamp", "1191242096"},
		{"oauth_nonce", "kllo9940pd9333jh"}, {"oauth_version", "1.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	const wantBase = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
	if string(base) != wantBase {
		t.Errorf("base string\n got %s\nwant %s", base, wantBase)
	}
}

// RFC 5849 §3.4.1.1: the example's base string, compared literally. The
// example's form-encoded body parameters (c2, a3=2 q) are part of the same
// normalized set, so they are given here as query parameters.
func TestSignatureBaseRFC5849Example(t *testing.T) {
	u, err := url.Parse("http://EXAMPLE.com:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b&c2&a3=2+q")
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendSignatureBase(nil, "post", u, []param{
		{"oauth_consumer_key", "9djdj82h48djs9d2"},
		{"oauth_token", "kkk9d7dh3k39sjv7"},
		{"oauth_signature_method", "HMAC-SHA1"},
		{"oauth_timestamp", "137131201"},
		{"oauth_nonce", "7d8f3e4a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
		"%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
		"key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
		"ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
		"9d7dh3k39sjv7"
	if string(got) != want {
		t.Errorf("base string\n got %s\nwant %s", got, want)
	}
}

func TestParametersSortByNameBeforeValue(t *testing.T) {
	u, _ := url.Parse("http://h/p?a2=x&a=z&a=y")
	got, err := appendSignatureBase(nil, "GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a=y, a=z, a2=x: "a" sorts before "a2" although "a=" > "a2" byte-wise.
	if want := "GET&http%3A%2F%2Fh%2Fp&a%3Dy%26a%3Dz%26a2%3Dx"; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"abcXYZ019-._~": "abcXYZ019-._~",
		"a b":           "a%20b",
		"a+b":           "a%2Bb",
		"*":             "%2A",
		"=&%":           "%3D%26%25",
		"é":             "%C3%A9",
		"/:?":           "%2F%3A%3F",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBaseStringURI(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://Example.COM:80/Path?q=1": "http://example.com/Path",
		"https://api.example.com:443/v2": "https://api.example.com/v2",
		"https://api.example.com:8443/x": "https://api.example.com:8443/x",
		"http://127.0.0.1:8080/api/v2/a": "http://127.0.0.1:8080/api/v2/a",
		"http://example.com":             "http://example.com/",
		"http://example.com/a%20b/c":     "http://example.com/a%20b/c",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendBaseStringURI(nil, u)); got != want {
			t.Errorf("appendBaseStringURI(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestEverySignatureUsesAFreshNonceAndTimestamp(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	s := newSigner(
		credentials{consumerKey: "ck", consumerSecret: "cs", token: "t", tokenSecret: "ts"},
		func() time.Time { clock = clock.Add(time.Second); return clock },
		newNonceCounter(),
	)
	seen := map[string]bool{}
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, "https://api.getquipt.com/v2/orders/fulfillment/1/1", nil)
		if err := s.sign(req); err != nil {
			t.Fatal(err)
		}
		p := parseAuthHeader(t, req.Header.Get("Authorization"))
		if seen[p["oauth_nonce"]] || seen[p["oauth_timestamp"]] || seen[p["oauth_signature"]] {
			t.Fatalf("nonce, timestamp or signature repeated: %v", p)
		}
		seen[p["oauth_nonce"]], seen[p["oauth_timestamp"]], seen[p["oauth_signature"]] = true, true, true
	}
}

// BenchmarkSign signs a list request: the cost of OAuth per Quipt call.
func BenchmarkSign(b *testing.B) {
	s := newSigner(credentials{consumerKey: "ck", consumerSecret: "cs&1", token: "t", tokenSecret: "ts"}, time.Now, func() string { return "n0nce" })
	req, _ := http.NewRequest(http.MethodGet, "https://api.getquipt.com/v2/orders/fulfillment/200/1?orderStatus=4&include=Shipments", nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.sign(req); err != nil {
			b.Fatal(err)
		}
	}
}
