package nbexec

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// ResultPrefix starts the one machine-readable line of key numbers a notebook prints, followed by a JSON object
// of numbers: `GOKD_RESULT {"teacher_dice": 0.91, ...}`.
const ResultPrefix = "GOKD_RESULT "

// Notebook is the part of an .ipynb file that nbexec reads.
type Notebook struct {
	Cells []Cell `json:"cells"`
}

// Cell is one notebook cell.
type Cell struct {
	Type    string   `json:"cell_type"`
	Source  Text     `json:"source"`
	Outputs []Output `json:"outputs"`
}

// Output is one output of a code cell.
type Output struct {
	Type      string          `json:"output_type"` // "stream", "display_data", "execute_result" or "error"
	Name      string          `json:"name"`        // "stdout" or "stderr" for streams
	Text      Text            `json:"text"`
	Data      map[string]Text `json:"data"`
	ErrName   string          `json:"ename"`
	ErrValue  string          `json:"evalue"`
	Traceback []string        `json:"traceback"`
}

// Text is a notebook string field, stored either as one string or as a list of lines.
type Text string

// UnmarshalJSON accepts both forms.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("notebook text is neither a string nor a list of strings: %w", err)
	}
	*t = Text(strings.Join(lines, ""))
	return nil
}

// Read parses the notebook at path.
func Read(path string) (*Notebook, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb Notebook
	if err := json.Unmarshal(blob, &nb); err != nil {
		return nil, fmt.Errorf("reading notebook %q: %w", path, err)
	}
	return &nb, nil
}

// CellError describes a code cell that failed.
type CellError struct {
	Index   int    // Cell index in the notebook, from 0.
	Source  string // The cell's code.
	Message string // What went wrong: the error output, or the end of stderr.
}

func (e CellError) Error() string {
	return fmt.Sprintf("cell %d failed: %s\n--- cell source ---\n%s\n-------------------", e.Index, e.Message, e.Source)
}

var exitStatus = regexp.MustCompile(`(?m)^exit status [1-9][0-9]*\s*$`)

// Errors lists the failed code cells: an "error" output (a compilation error, say), or a cell program that
// exited with a non-zero status (GoNB prints "exit status N" on stderr).
func (nb *Notebook) Errors() []CellError {
	var errs []CellError
	for i, c := range nb.Cells {
		var stderr strings.Builder
		failed, message := false, ""
		for _, o := range c.Outputs {
			switch {
			case o.Type == "error":
				failed = true
				message = strings.TrimSpace(o.ErrName + ": " + o.ErrValue + "\n" + strings.Join(o.Traceback, "\n"))
			case o.Type == "stream" && o.Name == "stderr":
				stderr.WriteString(string(o.Text))
			}
		}
		if !failed && exitStatus.MatchString(stderr.String()) {
			failed, message = true, tail(stderr.String(), 40)
		}
		if failed {
			errs = append(errs, CellError{Index: i, Source: string(c.Source), Message: message})
		}
	}
	return errs
}

// Stdout returns everything the notebook's code cells printed on stdout, in order.
func (nb *Notebook) Stdout() string {
	var sb strings.Builder
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == "stream" && o.Name == "stdout" {
				sb.WriteString(string(o.Text))
			}
		}
	}
	return sb.String()
}

// Results parses the notebook's GOKD_RESULT line (the last one, if several), flattened. It returns nil, nil when
// there is none.
func (nb *Notebook) Results() (*Result, error) {
	fields, err := nb.ResultFields()
	if fields == nil || err != nil {
		return nil, err
	}
	return newResult(fields)
}

// ResultFields returns every field of the last GOKD_RESULT line, as encoding/json decodes them (numbers as
// float64, strings, arrays, null as nil), or nil if there is none. Results flattens them.
func (nb *Notebook) ResultFields() (map[string]any, error) {
	var last string
	for _, line := range strings.Split(nb.Stdout(), "\n") {
		if strings.HasPrefix(line, ResultPrefix) {
			last = strings.TrimPrefix(line, ResultPrefix)
		}
	}
	if last == "" {
		return nil, nil
	}
	fields := map[string]any{}
	if err := json.Unmarshal([]byte(last), &fields); err != nil {
		return nil, fmt.Errorf("GOKD_RESULT line is not a JSON object: %w (%q)", err, last)
	}
	return fields, nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
