package shipstation

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantUTC string // RFC 3339 in UTC; "" for the zero Time
		wantRaw string
	}{
		{"seven fraction digits", `"2015-06-29T08:46:27.0000000"`, "2015-06-29T15:46:27Z", "2015-06-29T08:46:27.0000000"},
		{"trimmed fraction", `"2015-08-17T09:24:14.78"`, "2015-08-17T16:24:14.78Z", "2015-08-17T09:24:14.78"},
		{"three digits", `"2024-09-09T11:37:53.063"`, "2024-09-09T18:37:53.063Z", "2024-09-09T11:37:53.063"},
		{"no fraction", `"2016-11-29T23:59:59"`, "2016-11-30T07:59:59Z", "2016-11-29T23:59:59"},
		{"full seven digits kept", `"2024-09-09T11:37:53.1234567"`, "2024-09-09T18:37:53.1234567Z", "2024-09-09T11:37:53.1234567"},
		{"PST in winter", `"2025-03-08T19:43:11.2870000"`, "2025-03-09T03:43:11.287Z", "2025-03-08T19:43:11.2870000"},
		{"date only is midnight Pacific", `"2025-03-10"`, "2025-03-10T07:00:00Z", "2025-03-10"},
		{"space separator", `"2016-11-29 23:59:59"`, "2016-11-30T07:59:59Z", "2016-11-29 23:59:59"},
		// The "Z" of the OpenAPI samples is a placeholder: still Pacific wall clock (docs §2.2).
		{"Z is Pacific wall clock", `"2015-06-29T08:46:27Z"`, "2015-06-29T15:46:27Z", "2015-06-29T08:46:27Z"},
		{"Z with fraction", `"2015-06-29T08:46:27.000Z"`, "2015-06-29T15:46:27Z", "2015-06-29T08:46:27.000Z"},
		{"offset is honoured", `"2015-06-29T08:46:27-05:00"`, "2015-06-29T13:46:27Z", "2015-06-29T08:46:27-05:00"},
		{"null", `null`, "", ""},
		{"empty string", `""`, "", ""},
		// DST: spring forward on 2025-03-09, 02:00 PST → 03:00 PDT.
		{"just before spring forward", `"2025-03-09T01:59:59"`, "2025-03-09T09:59:59Z", "2025-03-09T01:59:59"},
		{"after spring forward is PDT", `"2025-03-09T03:12:48.9130000"`, "2025-03-09T10:12:48.913Z", "2025-03-09T03:12:48.9130000"},
		{"skipped hour becomes the PST side", `"2025-03-09T02:30:00"`, "2025-03-09T09:30:00Z", "2025-03-09T02:30:00"},
		// DST: fall back on 2025-11-02, 01:00–01:59 happens twice; Go picks the first (PDT).
		{"ambiguous fall-back hour is PDT", `"2025-11-02T01:28:02.4400000"`, "2025-11-02T08:28:02.44Z", "2025-11-02T01:28:02.4400000"},
		{"after fall back is PST", `"2025-11-02T02:00:00"`, "2025-11-02T10:00:00Z", "2025-11-02T02:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Time
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			if got.Raw != tt.wantRaw {
				t.Errorf("Raw = %q, want %q", got.Raw, tt.wantRaw)
			}
			if tt.wantUTC == "" {
				if !got.IsZero() {
					t.Errorf("got %v, want the zero Time", got.Time)
				}
				return
			}
			want, err := time.Parse(time.RFC3339Nano, tt.wantUTC)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("got %s, want %s", got.UTC().Format(time.RFC3339Nano), tt.wantUTC)
			}
		})
	}
}

func TestTimeUnmarshalRejects(t *testing.T) {
	for _, in := range []string{`"yesterday"`, `"2025-13-01T00:00:00"`, `"2025-03-09T25:00:00"`, `12345`, `"2025-03-09T01:00:00."`, `true`} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, got.Time)
		}
		var d Date
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("Date Unmarshal(%s) = %v, want an error", in, d.Time)
		}
	}
}

func TestTimeMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   Time
		want string
	}{
		{"zero is null", Time{}, `null`},
		{"UTC instant written as Pacific wall clock", Time{Time: time.Date(2025, 3, 9, 10, 12, 48, 913e6, time.UTC)}, `"2025-03-09T03:12:48.9130000"`},
		{"winter", Time{Time: time.Date(2025, 1, 15, 20, 0, 0, 0, time.UTC)}, `"2025-01-15T12:00:00.0000000"`},
		{"seven digits", Time{Time: time.Date(2024, 9, 9, 18, 37, 53, 123456700, time.UTC)}, `"2024-09-09T11:37:53.1234567"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTimeRoundTripKeepsWallClock(t *testing.T) {
	for _, in := range []string{`"2025-11-02T01:28:02.4400000"`, `"2025-03-09T03:12:48.9130000"`, `"2015-06-29T08:46:27.0000000"`} {
		var tm Time
		if err := json.Unmarshal([]byte(in), &tm); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(tm)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("round trip of %s gave %s", in, out)
		}
	}
}

func TestDate(t *testing.T) {
	var d Date
	if err := json.Unmarshal([]byte(`"2025-03-10"`), &d); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 10, 0, 0, 0, 0, Pacific()); !d.Equal(want) || d.Raw != "2025-03-10" {
		t.Errorf("got %v (raw %q), want %v", d.Time, d.Raw, want)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `"2025-03-10"` {
		t.Errorf("Marshal = %s", out)
	}
	// 03:00 UTC on the 10th is still the evening of the 9th in Pacific.
	out, err = json.Marshal(Date{Time: time.Date(2025, 3, 10, 3, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `"2025-03-09"` {
		t.Errorf("Marshal = %s, want the Pacific date 2025-03-09", out)
	}
	if out, _ := json.Marshal(Date{}); string(out) != "null" {
		t.Errorf("zero Date = %s, want null", out)
	}
	var null Date
	if err := json.Unmarshal([]byte(`null`), &null); err != nil || !null.IsZero() {
		t.Errorf("null Date = %v, %v", null.Time, err)
	}
}

func TestFormatQuery(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 3, 9, 10, 12, 48, 913e6, time.UTC), "2025-03-09 03:12:48"},
		{time.Date(2025, 1, 1, 7, 59, 59, 0, time.UTC), "2024-12-31 23:59:59"},
		{time.Date(2025, 11, 2, 9, 28, 2, 0, time.UTC), "2025-11-02 01:28:02"},
		{time.Date(2025, 11, 2, 8, 28, 2, 0, time.UTC), "2025-11-02 01:28:02"},
	}
	for _, tt := range tests {
		if got := FormatQuery(tt.in); got != tt.want {
			t.Errorf("FormatQuery(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPacific(t *testing.T) {
	if Pacific().String() != "America/Los_Angeles" {
		t.Errorf("Pacific() = %s", Pacific())
	}
	if first, second := Pacific(), Pacific(); first != second {
		t.Error("Pacific() loads the location more than once")
	}
}

func TestTimeWithEscapesDecodesLikePlain(t *testing.T) {
	var plain, escaped Time
	if err := json.Unmarshal([]byte(`"2025-03-08T19:43:11.2870000"`), &plain); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`"\u0032025-03-08T19:43:11.2870000"`), &escaped); err != nil {
		t.Fatal(err)
	}
	if !plain.Equal(escaped.Time) || plain.Raw != escaped.Raw || plain.Raw != "2025-03-08T19:43:11.2870000" {
		t.Errorf("plain %v (%q), escaped %v (%q)", plain.Time, plain.Raw, escaped.Time, escaped.Raw)
	}
	var ctl Time
	if err := ctl.UnmarshalJSON([]byte("\"2025-03-08\x01\"")); err == nil {
		t.Error("a timestamp with a control character decoded")
	}
}
