package kernelext

import (
	"fmt"
	"os"
	"strings"
)

// Checks collects a notebook's checks of its key results. The last cell of every GoKD notebook ends with
// Checks.ExitOnFailure, so a wrong result fails the headless run (and CI) instead of only printing.
type Checks struct {
	rows   []checkRow
	failed int
}

type checkRow struct {
	name, detail string
	ok           bool
}

// NewChecks returns an empty set of checks.
func NewChecks() *Checks { return &Checks{} }

// That records a check: ok tells whether it holds; detail says what was compared.
func (c *Checks) That(name string, ok bool, detail string) *Checks {
	c.rows = append(c.rows, checkRow{name: name, ok: ok, detail: detail})
	if !ok {
		c.failed++
	}
	return c
}

// AtLeast checks got ≥ floor.
func (c *Checks) AtLeast(name string, got, floor float64) *Checks {
	return c.That(name, got >= floor, fmt.Sprintf("%.4g ≥ %.4g", got, floor))
}

// AtMost checks got ≤ ceiling.
func (c *Checks) AtMost(name string, got, ceiling float64) *Checks {
	return c.That(name, got <= ceiling, fmt.Sprintf("%.4g ≤ %.4g", got, ceiling))
}

// Failed returns how many checks do not hold.
func (c *Checks) Failed() int { return c.failed }

// Text renders the checks, one per line.
func (c *Checks) Text() string {
	var sb strings.Builder
	for _, r := range c.rows {
		mark := "ok  "
		if !r.ok {
			mark = "FAIL"
		}
		fmt.Fprintf(&sb, "[%s] %s: %s\n", mark, r.name, r.detail)
	}
	fmt.Fprintf(&sb, "%d of %d checks passed\n", len(c.rows)-c.failed, len(c.rows))
	return sb.String()
}

// ExitOnFailure prints the checks and, when any failed, exits the cell's program with status 1, which the notebook
// runner (package nbexec) reports as a failed cell. When all hold it returns.
func (c *Checks) ExitOnFailure() {
	fmt.Print(c.Text())
	if c.failed > 0 {
		fmt.Fprintf(os.Stderr, "GoKD: %d check(s) failed\n", c.failed)
		os.Exit(1)
	}
}
