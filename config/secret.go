package config

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
)

// redacted is what every printing path of a Secret produces.
const redacted = "[redacted]"

// Secret holds a credential. Every way of printing or encoding it — fmt with
// any verb, String, GoString, JSON, text, slog and zerolog — gives
// "[redacted]"; only Reveal returns the value. It is a struct, not a string
// type, so that a conversion cannot reveal it by accident. The zero value is
// the empty (unset) secret.
type Secret struct {
	value string
}

// NewSecret wraps value.
func NewSecret(value string) Secret {
	return Secret{value: value}
}

// Reveal returns the value, for the one place that must send it.
func (s Secret) Reveal() string {
	return s.value
}

// IsZero reports whether the secret is empty (unset).
func (s Secret) IsZero() bool {
	return s.value == ""
}

// Equal reports whether s and o hold the same value, in constant time. It also
// lets go-cmp compare Configs without looking inside.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.value), []byte(o.value)) == 1
}

// String returns "[redacted]".
func (s Secret) String() string {
	return redacted
}

// GoString returns "[redacted]", for %#v.
func (s Secret) GoString() string {
	return redacted
}

// Format writes "[redacted]" whatever the verb and flags (%v, %+v, %#v, %s,
// %q, %x, %d, …).
func (s Secret) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, redacted)
}

// MarshalJSON returns the JSON string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(`"` + redacted + `"`), nil
}

// MarshalText returns "[redacted]".
func (s Secret) MarshalText() ([]byte, error) {
	return []byte(redacted), nil
}

// LogValue returns "[redacted]" for log/slog.
func (s Secret) LogValue() slog.Value {
	return slog.StringValue(redacted)
}
