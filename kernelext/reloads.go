package kernelext

import (
	"bytes"
	"fmt"
	"html"
	"strings"
)

// reloadLog gathers what a runner logs (Runner.Log) while a whole committed run is reloaded, so that a cell shows
// one line saying how many models were reloaded, with every model's "reloaded from cache" line behind it: a
// collapsed <details> block in a notebook, the lines themselves elsewhere. Nothing reused is silent, and a run of
// hundreds of models does not bury the cell's results.
type reloadLog struct {
	what string // What was reloaded, for the summary line.
	buf  bytes.Buffer
}

// Write gathers log output.
func (l *reloadLog) Write(p []byte) (int, error) { return l.buf.Write(p) }

// flush shows what was gathered, then forgets it.
func (l *reloadLog) flush() {
	defer l.buf.Reset()
	text := strings.TrimRight(l.buf.String(), "\n")
	if text == "" {
		return
	}
	lines := strings.Count(text, "\n") + 1
	reloaded := strings.Count(text, "reloaded from cache")
	summary := fmt.Sprintf("%s: %d models reloaded from the cache", l.what, reloaded)
	if other := lines - reloaded; other > 0 {
		summary += fmt.Sprintf(", %d other log lines", other)
	}
	if !front.IsNotebook() {
		fmt.Fprintf(textOut, "%s\n%s\n", summary, text)
		return
	}
	front.DisplayHTML("<details><summary>" + html.EscapeString(summary) + " (each model's line)</summary><pre>" +
		html.EscapeString(text) + "</pre></details>")
}
