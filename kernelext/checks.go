package kernelext

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// Checks collects a notebook's checks of its key results. The last cell of every GoKD notebook ends with
// Checks.Done, so a wrong result fails the headless run (and CI) instead of only printing.
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

// Done prints the checks and, when any failed, exits the cell's program with status 1, which the notebook runner
// (package nbexec) reports as a failed cell.
func (c *Checks) Done() {
	fmt.Print(c.Text())
	if c.failed > 0 {
		fmt.Fprintf(os.Stderr, "GoKD: %d check(s) failed\n", c.failed)
		os.Exit(1)
	}
}

// Must stops the cell with the error's message (exit status 1, which fails a headless run) when err is not nil:
// notebooks read better without `if err != nil` after every call, and a message beats a panic's stack trace.
func Must(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "GoKD: %v\n", err)
		os.Exit(1)
	}
}

// Must1 returns v, or stops the cell as Must does when err is not nil.
func Must1[T any](v T, err error) T {
	Must(err)
	return v
}

// PrintResult prints the notebook's one machine-readable line of key numbers, `GOKD_RESULT {...}`, read by
// `make verify` and the notebook tests. v is a struct with json tags (its field order is kept) or a map.
func PrintResult(v any) error {
	blob, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding GOKD_RESULT: %w", err)
	}
	fmt.Printf("%s%s\n", nbexec.ResultPrefix, blob)
	return nil
}
