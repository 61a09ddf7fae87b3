package nbexec

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Verification is a committed notebook re-executed, with its key values compared to the committed ones: the
// reviewer's check (`make verify`) and the notebook tests' (`make test`), by the same rule (Compare).
type Verification struct {
	Notebook    string // The committed notebook's path.
	Run         *Run   // The fresh execution.
	Comparisons []Comparison
}

// Verify reads the committed notebook's GOKD_RESULT line, executes the notebook (Execute, with opts) and compares
// the fresh line with it. An error means the notebook could not be compared at all: no saved line, a failed cell,
// no fresh line.
func Verify(ctx context.Context, path string, opts Options) (*Verification, error) {
	committed, err := Read(path)
	if err != nil {
		return nil, err
	}
	saved, err := committed.Results()
	if err != nil || saved == nil {
		return nil, fmt.Errorf("nbexec: %s: no saved GOKD_RESULT line to verify against (%v): commit it executed", path, err)
	}
	run, err := Execute(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	fresh, err := run.Notebook.Results()
	if err != nil || fresh == nil {
		return nil, fmt.Errorf("nbexec: %s: the fresh run printed no GOKD_RESULT line (%v)", path, err)
	}
	return &Verification{Notebook: path, Run: run, Comparisons: Compare(path, saved, fresh)}, nil
}

// Agrees reports whether every compared key agrees (skipped keys and timings count as agreeing).
func (v *Verification) Agrees() bool {
	for _, c := range v.Comparisons {
		if !c.Agree {
			return false
		}
	}
	return true
}

// Skipped returns the keys that were not compared because their input data is absent.
func (v *Verification) Skipped() []string {
	var keys []string
	for _, c := range v.Comparisons {
		if c.Skipped {
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// WriteTable writes one row per key: saved value, fresh value, rule, verdict ("yes", "NO", or "skipped").
func (v *Verification) WriteTable(out io.Writer) error {
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "  key\tsaved\tfresh\trule\tagree\n")
	for _, c := range v.Comparisons {
		verdict := "yes"
		switch {
		case c.Skipped:
			verdict = "skipped"
		case !c.Agree:
			verdict = "NO"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", c.Key, formatValue(c.Saved, c.HasSaved, !c.Agree),
			formatValue(c.Fresh, c.HasFresh, !c.Agree), c.Rule, verdict)
	}
	return w.Flush()
}

// Summary is the verdict line: "PATH: AGREES" or "PATH: DISAGREES", with the keys skipped for absent data, the
// fresh run's wall time and where its executed copy is.
func (v *Verification) Summary(executed string) string {
	verdict := "AGREES"
	if !v.Agrees() {
		verdict = "DISAGREES"
	}
	if skipped := v.Skipped(); len(skipped) > 0 {
		verdict += fmt.Sprintf(" (%s: %s)", RuleDataAbsent, strings.Join(skipped, ", "))
	}
	return fmt.Sprintf("%s: %s (fresh run %s, executed copy %s)", v.Notebook, verdict, v.Run.Wall.Round(time.Second), executed)
}

// formatValue renders a saved or fresh value: six significant digits, or every digit where full shows a
// disagreement that six digits could hide.
func formatValue(v any, ok, full bool) string {
	if !ok {
		return "missing"
	}
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		if full {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', 6, 64)
	case string:
		return strconv.Quote(v)
	default:
		return fmt.Sprint(v)
	}
}
