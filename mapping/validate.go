package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// numbered is a raw mapping with its 1-based position in the operator's list.
type numbered struct {
	n   int
	raw rawMapping
}

// build validates the raw mappings and turns them into Mappings. problems
// carries the syntax errors found before; the result is nil when there is any
// problem, and the error joins every problem, one per line.
func build(raws []numbered, problems []error) ([]Mapping, error) {
	var out []Mapping
	first := make(map[string]numbered, len(raws))
	for _, r := range raws {
		m, errs := r.raw.mapping()
		for _, err := range errs {
			problems = append(problems, fmt.Errorf("entry %d (%q): %w", r.n, r.raw.Method, err))
		}
		key := NormalizeMethod(r.raw.Method)
		if prev, dup := first[key]; dup && key != "" {
			problems = append(problems, fmt.Errorf("entry %d (%q): same method as entry %d (%q)",
				r.n, r.raw.Method, prev.n, prev.raw.Method))
		} else {
			first[key] = r
		}
		out = append(out, m)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return out, nil
}

// mapping validates r and returns the Mapping, or every problem found.
func (r rawMapping) mapping() (Mapping, []error) {
	var errs []error
	m := Mapping{
		Method:            r.Method,
		Service:           strings.TrimSpace(r.Service),
		Package:           strings.TrimSpace(r.Package),
		Confirmation:      strings.TrimSpace(r.Confirmation),
		BillToParty:       strings.TrimSpace(r.BillToParty),
		BillToAccount:     strings.TrimSpace(r.BillToAccount),
		BillToPostalCode:  strings.TrimSpace(r.BillToPostalCode),
		BillToCountryCode: strings.ToUpper(strings.TrimSpace(r.BillToCountryCode)),
	}
	if NormalizeMethod(r.Method) == "" {
		errs = append(errs, errors.New("method is required"))
	}
	carrierText := strings.TrimSpace(r.Carrier)
	switch c, ok := ParseCarrier(carrierText); {
	case carrierText == "":
		errs = append(errs, errors.New("carrier is required"))
	case !ok:
		errs = append(errs, fmt.Errorf("unknown carrier %q (want ups, fedex, usps or dhl)", carrierText))
	default:
		m.Carrier = c
	}
	if m.Service == "" {
		errs = append(errs, errors.New("service is required"))
	}
	if !validConfirmation(m.Confirmation) {
		errs = append(errs, fmt.Errorf(
			"unknown confirmation %q (want none, delivery, signature, adult_signature or direct_signature)", m.Confirmation))
	}
	errs = append(errs, m.billingProblems()...)
	return m, errs
}

// billingProblems checks the bill-to fields.
func (m Mapping) billingProblems() []error {
	var errs []error
	switch m.BillToParty {
	case "", "my_account", "my_other_account", "recipient", "third_party":
	default:
		errs = append(errs, fmt.Errorf(
			"unknown billToParty %q (want my_account, my_other_account, recipient or third_party)", m.BillToParty))
	}
	if m.BillToParty == "" && (m.BillToAccount != "" || m.BillToPostalCode != "" || m.BillToCountryCode != "") {
		errs = append(errs, errors.New("billToAccount, billToPostalCode and billToCountryCode need billToParty"))
	}
	if m.BillToCountryCode != "" && !isCountryCode(m.BillToCountryCode) {
		errs = append(errs, fmt.Errorf("billToCountryCode %q is not a two-letter country code", m.BillToCountryCode))
	}
	return errs
}

// validConfirmation reports whether s is "" or a ShipStation confirmation value.
func validConfirmation(s string) bool {
	switch s {
	case "", "none", "delivery", "signature", "adult_signature", "direct_signature":
		return true
	}
	return false
}

// isCountryCode reports whether s is two ASCII upper-case letters.
func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
