package linklistings

import (
	"slices"
	"strings"
)

// record is one listing of one side: a ShipStation product or a Quipt
// inventory record.
type record struct {
	// id is the ShipStation productId (decimal) or the Quipt inventory Id.
	id string
	// sku is the SKU as the upstream spells it.
	sku string
}

// catalogue is one side's listings by normalised SKU.
type catalogue struct {
	// bySKU holds one record per normalised SKU: of several, the one with
	// the lowest id, so that repeated runs pick the same one.
	bySKU map[string]record
	// duplicates counts, per normalised SKU listed more than once, the
	// records beyond the first.
	duplicates map[string]int
	// invalidIDs are the ids of records that could not be read; a stored link
	// to one of them is kept as it is.
	invalidIDs map[string]bool
	// seen counts every record read, readable or not.
	seen int
	// skipped counts the records that could not be used: malformed or
	// without a SKU.
	skipped int
	// lessID orders the ids of this side.
	lessID func(a, b string) bool
}

func newCatalogue(lessID func(a, b string) bool) *catalogue {
	return &catalogue{bySKU: map[string]record{}, duplicates: map[string]int{}, invalidIDs: map[string]bool{}, lessID: lessID}
}

// normalise is the SKU key both sides are matched on: without surrounding
// white space, upper case.
func normalise(sku string) string {
	return strings.ToUpper(strings.TrimSpace(sku))
}

// add files r under its normalised SKU and reports false when r has no SKU.
func (c *catalogue) add(r record) bool {
	c.seen++
	key := normalise(r.sku)
	if key == "" {
		c.skipped++
		return false
	}
	prev, dup := c.bySKU[key]
	if dup {
		c.duplicates[key]++
		if !c.lessID(r.id, prev.id) {
			return true
		}
	}
	c.bySKU[key] = r
	return true
}

// invalid counts a record that could not be read; id is "" when unknown.
func (c *catalogue) invalid(id string) {
	c.seen++
	c.skipped++
	if id != "" {
		c.invalidIDs[id] = true
	}
}

// only returns the normalised SKUs of c that other lacks, sorted.
func (c *catalogue) only(other *catalogue) []string {
	var out []string
	for key := range c.bySKU {
		if _, ok := other.bySKU[key]; !ok {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// names returns the SKUs of keys as the upstream spells them, sorted.
func (c *catalogue) names(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, key := range keys {
		out = append(out, c.bySKU[key].sku)
	}
	slices.Sort(out)
	return out
}

// duplicateSKUs returns the normalised SKUs listed more than once, sorted.
func (c *catalogue) duplicateSKUs() []string {
	out := make([]string, 0, len(c.duplicates))
	for key := range c.duplicates {
		out = append(out, key)
	}
	slices.Sort(out)
	return out
}
