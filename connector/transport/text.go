package transport

import "unicode/utf8"

// Truncate shortens s to at most n bytes without splitting a UTF-8
// character, marking the cut with "…". Connectors use it to keep error bodies
// short.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
