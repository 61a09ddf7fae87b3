package kernelext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clock is a fake time source advanced by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestProgress(t *testing.T, notebook bool) (*Progress, *recorder, *strings.Builder, *clock, string) {
	rec, _, dir := fakeFrontEnd(t, notebook)
	text := &strings.Builder{}
	c := &clock{t: time.Unix(1000, 0)}
	p := NewProgress("student KD").MinInterval(0)
	p.now, p.out = c.now, text
	return p, rec, text, c, dir
}

// simulateTraining calls the callback for steps 1..total, one second apart, with a falling loss and a rising Dice.
func simulateTraining(cb Callback, c *clock, total int) {
	for step := 1; step <= total; step++ {
		c.t = c.t.Add(time.Second)
		cb(step, total, map[string]float64{"loss": 1 / float64(step), "dice": 0.05 * float64(step)})
	}
}

func TestProgressOutsideNotebookPrintsOneLinePerUpdate(t *testing.T) {
	p, rec, text, c, dir := newTestProgress(t, false)
	simulateTraining(p.Callback(), c, 10)
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines for 10 updates:\n%s", len(lines), text.String())
	}
	// Step 5 arrives 4 s after step 1: 1 step/s, 5 steps to go.
	for _, want := range []string{"student KD: step 5/10 (50%)", "loss 0.2", "dice 0.25", "1 steps/s", "ETA 5s"} {
		if !strings.Contains(lines[4], want) {
			t.Errorf("line %q lacks %q", lines[4], want)
		}
	}
	if strings.Contains(lines[9], "ETA") {
		t.Errorf("last line %q still has an ETA", lines[9])
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "student_KD-curves.png")); err != nil {
		t.Errorf("final chart not written: %v", err)
	}
	if len(rec.updates)+len(rec.html) != 0 {
		t.Error("displayed inline outside a notebook")
	}
}

func TestProgressThrottlesButShowsTheLastStep(t *testing.T) {
	p, _, text, c, _ := newTestProgress(t, false)
	p.MinInterval(time.Hour)
	simulateTraining(p.Update, c, 10)
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "step 1/") || !strings.Contains(lines[1], "step 10/10") {
		t.Errorf("throttled output %q, want the first and the last step only", lines)
	}
	fig, err := p.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Plots()) != 2 {
		t.Errorf("curves have %d panels, want loss and Dice", len(fig.Plots()))
	}
}

func TestProgressInNotebookUpdatesOneBlockThenPersists(t *testing.T) {
	p, rec, text, c, _ := newTestProgress(t, true)
	p.ChartEvery(4)
	simulateTraining(p.Update, c, 10)
	if len(rec.updates) != 10 {
		t.Fatalf("%d block updates, want 10", len(rec.updates))
	}
	for i, u := range rec.updates {
		if u.id != rec.updates[0].id {
			t.Errorf("update %d went to block %q, not %q", i, u.id, rec.updates[0].id)
		}
		// Curves are drawn at steps 4 and 8 and kept in between.
		if hasChart := strings.Contains(u.html, "<img"); hasChart != (i+1 >= 4) {
			t.Errorf("update at step %d has curves=%v", i+1, hasChart)
		}
	}
	if !strings.Contains(rec.updates[9].html, "step 10/10") {
		t.Errorf("last update %q", rec.updates[9].html)
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	if last := rec.updates[len(rec.updates)-1]; last.html != "" {
		t.Error("the transient block was not erased at the end")
	}
	if len(rec.html) != 1 || !strings.Contains(rec.html[0], "data:image/png;base64,") {
		t.Errorf("final display %q, want one persistent summary with the curves", rec.html)
	}
	if text.Len() != 0 {
		t.Errorf("printed %q in a notebook", text.String())
	}
}

func TestProgressFinishBeforeUpdateFails(t *testing.T) {
	p, _, _, _, _ := newTestProgress(t, false)
	if err := p.Finish(); err == nil {
		t.Error("no error")
	}
}

// The loss terms go on the loss panel, the scores on the other: "lovasz" and "kl" are losses although their names
// do not say so, "dice_loss" is a loss although it names Dice.
func TestQualityMetricsAreTheScoresOnly(t *testing.T) {
	for name, want := range map[string]bool{"dice": true, "val_iou": true, "accuracy": true, "loss": false,
		"dice_loss": false, "lovasz": false, "kl": false, "hint": false, "target_supervision": false} {
		if got := isQualityMetric(name); got != want {
			t.Errorf("isQualityMetric(%q) = %v, want %v", name, got, want)
		}
	}
}
