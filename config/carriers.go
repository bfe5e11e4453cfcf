package config

import (
	"strings"

	"github.com/shipsync/shipsync/mapping"
)

// parsePreferredCarrier reads the optional default carrier.
func parsePreferredCarrier(name, raw string, p *problems) mapping.Carrier {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	c, ok := mapping.ParseCarrier(s)
	if !ok {
		p.add(name, "must be one of ups, fedex, usps, dhl, got %q", raw)
	}
	return c
}

// parsePaired reads a trimmed text that goes with the variable other (whose
// text is otherRaw): one set without the other is a problem.
func parsePaired(name, raw, other, otherRaw string, p *problems) string {
	s := strings.TrimSpace(raw)
	set, otherSet := s != "", strings.TrimSpace(otherRaw) != ""
	switch {
	case otherSet && !set:
		p.add(name, "required when %s is set", other)
	case !otherSet && set:
		p.add(name, "set, but %s is not (set both or neither)", other)
	}
	return s
}

// shippingMappings reads the mappings of variable name, given inline (raw) or
// as a JSON file named by name_FILE (path), not both; each line of a parse
// error becomes a problem of the variable that was set.
func shippingMappings(name, raw, path string, p *problems) []mapping.Mapping {
	fileVar := name + "_FILE"
	inline, path := strings.TrimSpace(raw), strings.TrimSpace(path)
	switch {
	case inline != "" && path != "":
		p.add(name, "set either %s or %s, not both", name, fileVar)
		return nil
	case inline != "":
		ms, err := mapping.ParseMappings(inline)
		addLines(p, name, err)
		return ms
	case path != "":
		data, err := readFile(path, maxMappingsFileBytes)
		if err != nil {
			p.add(fileVar, "%v", err)
			return nil
		}
		ms, err := mapping.ParseMappingsJSON([]byte(data))
		addLines(p, fileVar, err)
		return ms
	}
	return nil
}

// addLines records each line of err, if any, as a problem with variable name.
func addLines(p *problems, name string, err error) {
	if err == nil {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		p.add(name, "%s", line)
	}
}
