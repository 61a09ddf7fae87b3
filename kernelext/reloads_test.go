package kernelext

import (
	"strings"
	"testing"
)

// TestReloadLogSummarises: outside a notebook the gathered lines follow one summary line that counts the reloaded
// models; in a notebook they sit in a collapsed <details> block, escaped, behind the same summary.
func TestReloadLogSummarises(t *testing.T) {
	lines := "teacher   reloaded from cache (trained for 3s, key teacher-1)\nstudent_x <s1> reloaded from cache (trained for 1s, key s-1)\n"
	_, text, _ := fakeFrontEnd(t, false)
	l := &reloadLog{what: "The run"}
	_, _ = l.Write([]byte(lines))
	l.flush()
	l.flush() // Nothing left: nothing shown.
	if want := "The run: 2 models reloaded from the cache\n" + lines; text.String() != want {
		t.Errorf("outside a notebook:\n%q\nwant\n%q", text.String(), want)
	}
	rec, _, _ := fakeFrontEnd(t, true)
	_, _ = l.Write([]byte(lines + "something else\n"))
	l.flush()
	if len(rec.html) != 1 || !strings.HasPrefix(rec.html[0], "<details><summary>The run: 2 models reloaded from the cache, 1 other log lines") ||
		!strings.Contains(rec.html[0], "&lt;s1&gt;") {
		t.Errorf("in a notebook: %q", rec.html)
	}
}
