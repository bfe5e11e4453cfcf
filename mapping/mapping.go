package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Mapping routes one requested shipping method to a carrier and service, and
// optionally a package code, a delivery confirmation and third-party billing.
type Mapping struct {
	// Method is the requested shipping method text the mapping applies to.
	Method  string
	Carrier Carrier
	// Service is the ShipStation service code, for example "ups_next_day_air".
	Service string
	// Package is the ShipStation package code; "" leaves it unset.
	Package string
	// Confirmation is one of none, delivery, signature, adult_signature,
	// direct_signature; "" leaves it unset.
	Confirmation string
	// BillToParty is one of my_account, my_other_account, recipient,
	// third_party; "" bills the shipper's own account as usual.
	BillToParty       string
	BillToAccount     string
	BillToPostalCode  string
	BillToCountryCode string
}

// rawMapping is a mapping as the operator wrote it, before validation. Its JSON
// names are those of the SHIPPING_MAPPINGS_FILE format.
type rawMapping struct {
	Method            string `json:"method"`
	Carrier           string `json:"carrier"`
	Service           string `json:"service"`
	Package           string `json:"package"`
	Confirmation      string `json:"confirmation"`
	BillToParty       string `json:"billToParty"`
	BillToAccount     string `json:"billToAccount"`
	BillToPostalCode  string `json:"billToPostalCode"`
	BillToCountryCode string `json:"billToCountryCode"`
}

// ParseMappings parses the SHIPPING_MAPPINGS form: entries separated by ";",
// each
//
//	method=carrier:service[:package[:confirmation]]
//
// for example "Next Day Air=ups:ups_next_day_air;Ground=fedex:fedex_ground:package:signature".
// The method is everything before the first "=", trimmed; the other fields are
// trimmed too. The carrier is anything ParseCarrier accepts. Blank entries (a
// trailing ";") are ignored, and an empty string gives nil. Billing fields need
// the JSON form (ParseMappingsJSON). The error has one line per problem, each
// naming the entry by its 1-based position.
func ParseMappings(s string) ([]Mapping, error) {
	var raws []numbered
	var problems []error
	for i, entry := range strings.Split(s, ";") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		raw, err := splitEntry(entry)
		if err != nil {
			problems = append(problems, fmt.Errorf("entry %d: %w", i+1, err))
			continue
		}
		raws = append(raws, numbered{n: i + 1, raw: raw})
	}
	return build(raws, problems)
}

// splitEntry splits one method=carrier:service[:package[:confirmation]] entry.
func splitEntry(entry string) (rawMapping, error) {
	method, target, ok := strings.Cut(entry, "=")
	if !ok {
		return rawMapping{}, fmt.Errorf("%q is not method=carrier:service", strings.TrimSpace(entry))
	}
	fields := strings.Split(target, ":")
	if len(fields) < 2 || len(fields) > 4 {
		return rawMapping{}, fmt.Errorf("%q: want carrier:service[:package[:confirmation]] after \"=\", got %d field(s)",
			strings.TrimSpace(method), len(fields))
	}
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	for len(fields) < 4 {
		fields = append(fields, "")
	}
	return rawMapping{
		Method:       strings.TrimSpace(method),
		Carrier:      fields[0],
		Service:      fields[1],
		Package:      fields[2],
		Confirmation: fields[3],
	}, nil
}

// ParseMappingsJSON parses the SHIPPING_MAPPINGS_FILE form: a JSON array of
// objects with the string fields method, carrier, service (required), package,
// confirmation, billToParty, billToAccount, billToPostalCode and
// billToCountryCode. Unknown fields are an error, so a misspelt field name is
// caught. The method is matched as written (see Selector.Select); the other
// fields are trimmed. The error has one line per problem, each naming the
// entry by its 1-based position.
func ParseMappingsJSON(data []byte) ([]Mapping, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("want a JSON array of mapping objects: %w", err)
	}
	var raws []numbered
	var problems []error
	for i, item := range items {
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		var raw rawMapping
		if err := dec.Decode(&raw); err != nil {
			problems = append(problems, fmt.Errorf("entry %d: %w", i+1, describeJSONError(err)))
			continue
		}
		raws = append(raws, numbered{n: i + 1, raw: raw})
	}
	return build(raws, problems)
}

// describeJSONError rewords a type error so it names the JSON field rather
// than the Go type behind it.
func describeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Errorf("want a JSON object, got %s", typeErr.Value)
		}
		return fmt.Errorf("field %q must be a string, got %s", typeErr.Field, typeErr.Value)
	}
	return err
}
