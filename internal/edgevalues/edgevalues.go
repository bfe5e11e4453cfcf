// Package edgevalues picks values at random from lists that test a JSON
// encoder's edges (escapes, HTML characters, invalid UTF-8, padding, float
// formatting, nil against set pointers), for the tests that compare
// hand-written JSON with json.Marshal's.
package edgevalues

import (
	"math"
	"math/rand/v2"
)

// texts are the texts a Picker picks from.
var texts = []string{"", "plain", " padded ", `<a&b> "q" \ é`, "tab\there\u2028", "\xff", "MiXeD@Example.COM", "on_hold"}

// numbers are the numbers a Picker picks from: zero of both signs, the
// exponent form's bounds, amounts that round.
var numbers = []float64{0, math.Copysign(0, -1), 1.005, 19.99, 1e-7, 1e21, 12.345, -3, 0.1, 0.125, 1.5}

// Picker picks values from a seeded source, so a failure repeats.
type Picker struct{ rng *rand.Rand }

// New returns a Picker seeded with seed.
func New(seed uint64) *Picker { return &Picker{rand.New(rand.NewPCG(seed, seed+1))} }

// String picks a text.
func (p *Picker) String() string { return texts[p.rng.IntN(len(texts))] }

// StringPtr picks nil one time in three, else a pointer to a text.
func (p *Picker) StringPtr() *string {
	if p.rng.IntN(3) == 0 {
		return nil
	}
	s := p.String()
	return &s
}

// Float picks a number.
func (p *Picker) Float() float64 { return numbers[p.rng.IntN(len(numbers))] }

// Bool picks true or false.
func (p *Picker) Bool() bool { return p.rng.IntN(2) == 0 }

// IntN picks an integer in [0, n).
func (p *Picker) IntN(n int) int { return p.rng.IntN(n) }
