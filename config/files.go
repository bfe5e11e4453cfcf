package config

import (
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
)

// Limits on what a file named by a variable may hold, so a path to something
// huge (or endless, like /dev/zero) fails instead of filling memory.
const (
	maxSecretFileBytes   = 64 << 10
	maxMappingsFileBytes = 1 << 20
)

// resolveFiles returns a copy of environ in which the NAME_FILE of every
// variable declared with envFile has been read into NAME, with one trailing newline ("\n" or
// "\r\n") trimmed. Setting both NAME and NAME_FILE, an unreadable file and an
// empty file are problems; the lines never contain the file's content.
func resolveFiles(environ map[string]string, vars []Variable, p *problems) map[string]string {
	merged := make(map[string]string, len(environ))
	maps.Copy(merged, environ)
	for _, v := range vars {
		if !v.File {
			continue
		}
		name := v.Name
		fileVar := name + "_FILE"
		path := strings.TrimSpace(environ[fileVar])
		if path == "" {
			continue
		}
		if environ[name] != "" {
			p.add(name, "set either %s or %s, not both", name, fileVar)
			continue
		}
		content, err := readFile(path, maxSecretFileBytes)
		if err != nil {
			p.add(fileVar, "%v", err)
			continue
		}
		content = trimNewline(content)
		if content == "" {
			p.add(fileVar, "file %s is empty", path)
			continue
		}
		merged[name] = content
	}
	return merged
}

// readFile reads the file at path, refusing one larger than limit bytes.
// Its errors name the path, never the content.
func readFile(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", fmt.Errorf("cannot read file: %w", err)
	}
	if int64(len(data)) > limit {
		return "", fmt.Errorf("file %s is larger than %d bytes", path, limit)
	}
	return string(data), nil
}

// trimNewline removes one trailing "\r\n" or "\n", which editors and
// `echo` add.
func trimNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		return t
	}
	return strings.TrimSuffix(s, "\n")
}
