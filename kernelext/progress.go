package kernelext

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gokd/gokd/viz/chart"
	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot/vg"
)

// Callback receives training progress: the step just done (1-based), the total and the step's metrics by name
// (e.g. "loss", "dice"). The trainer calls it; [Progress.Update] is one.
type Callback func(step, totalSteps int, metrics map[string]float64)

// Progress shows live training progress. In a notebook it keeps one updating block (step, metrics, steps/s,
// ETA, and curves redrawn every few steps) and, at [Progress.Finish], replaces it with a persistent summary and
// final chart that stay in the saved notebook. Outside a notebook it prints one text line per update and writes
// the final chart to OutDir().
//
//	p := kernelext.NewProgress("student KD").ChartEvery(50)
//	trainer.Train(p.Update) // or any func(step, total int, metrics map[string]float64)
//	p.Finish()
type Progress struct {
	title       string
	chartEvery  int
	minInterval time.Duration
	now         func() time.Time
	front       frontEnd
	out         io.Writer
	blockID     string

	names    []string // Metric names in order of first appearance.
	history  map[string]*chart.Series
	first    time.Time // When the first update arrived: the rate excludes set-up and compilation.
	firstAt  int       // Step of the first update.
	lastShow time.Time
	chartImg string // Latest curves as an HTML image, reused by the text-only updates in between.
	chartAt  int    // Step of the latest curves.
	step     int
	total    int
}

// NewProgress returns a progress display titled title: curves redrawn every 100 steps, updates shown at most
// every 250 ms (the last step always shows).
func NewProgress(title string) *Progress {
	return &Progress{title: title, chartEvery: 100, minInterval: 250 * time.Millisecond, now: time.Now,
		front: front, out: textOut, blockID: "gokd-progress-" + gonbui.UniqueId(), history: map[string]*chart.Series{}}
}

// ChartEvery sets how many steps apart the live curves are redrawn (0: only the final chart).
func (p *Progress) ChartEvery(steps int) *Progress {
	p.chartEvery = steps
	return p
}

// MinInterval sets the shortest time between two shown updates; every update is still recorded for the
// curves.
func (p *Progress) MinInterval(d time.Duration) *Progress {
	p.minInterval = d
	return p
}

// Callback returns p.Update as a [Callback].
func (p *Progress) Callback() Callback { return p.Update }

// Update records one step's metrics and refreshes the display.
func (p *Progress) Update(step, totalSteps int, metrics map[string]float64) {
	now := p.now()
	if p.first.IsZero() {
		p.first, p.firstAt = now, step
	}
	p.step, p.total = step, totalSteps
	for _, name := range sortedKeys(metrics) {
		s, ok := p.history[name]
		if !ok {
			s = &chart.Series{Name: name}
			p.history[name] = s
			p.names = append(p.names, name)
		}
		s.X, s.Y = append(s.X, float64(step)), append(s.Y, metrics[name])
	}
	last := totalSteps > 0 && step >= totalSteps
	if !last && !p.lastShow.IsZero() && now.Sub(p.lastShow) < p.minInterval {
		return
	}
	p.lastShow = now
	status := p.Status(metrics)
	if !p.front.IsNotebook() {
		fmt.Fprintln(p.out, status)
		return
	}
	if p.chartEvery > 0 && step-p.chartAt >= p.chartEvery {
		if img, err := p.chartHTML(); err == nil {
			p.chartImg, p.chartAt = img, step
		}
	}
	p.front.UpdateHTML(p.blockID, p.html(status, p.chartImg))
}

// Status returns the one-line summary of the latest step: title, step/total, metrics, rate and ETA.
func (p *Progress) Status(metrics map[string]float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: step %d", p.title, p.step)
	if p.total > 0 {
		fmt.Fprintf(&b, "/%d (%.0f%%)", p.total, 100*float64(p.step)/float64(p.total))
	}
	for _, name := range sortedKeys(metrics) {
		fmt.Fprintf(&b, "  %s %.4g", name, metrics[name])
	}
	elapsed := p.now().Sub(p.first)
	if done := p.step - p.firstAt; done > 0 && elapsed > 0 {
		rate := float64(done) / elapsed.Seconds()
		fmt.Fprintf(&b, "  %.3g steps/s", rate)
		if p.total > p.step {
			eta := time.Duration(float64(p.total-p.step) / rate * float64(time.Second))
			fmt.Fprintf(&b, "  ETA %s", eta.Round(time.Second))
		}
	}
	return b.String()
}

// Figure returns the curves recorded so far: the loss and its terms ("loss", "dice_loss", "lovasz", "kl", ...) on
// the left panel, the quality metrics (see isQualityMetric: Dice, IoU, accuracy) on the right.
func (p *Progress) Figure() (*chart.Figure, error) {
	var losses, others []chart.Series
	for _, name := range p.names {
		if !isQualityMetric(name) {
			losses = append(losses, *p.history[name])
		} else {
			others = append(others, *p.history[name])
		}
	}
	fig, err := chart.TrainingCurves(losses, others)
	if err != nil {
		return nil, fmt.Errorf("progress %q: %w", p.title, err)
	}
	return fig.Size(vg.Length(len(fig.Plots()))*4*vg.Inch, 2.8*vg.Inch), nil
}

// isQualityMetric reports whether a metric is a score that grows as the model gets better ("dice", "iou",
// "accuracy"), not a loss or a loss term: train.Progress names the hard Dice "dice" and its loss term "dice_loss".
func isQualityMetric(name string) bool {
	name = strings.ToLower(name)
	if strings.Contains(name, "loss") {
		return false
	}
	return name == "dice" || strings.Contains(name, "iou") || strings.Contains(name, "accuracy")
}

// chartHTML returns the curves as an HTML image (chart.Figure.HTML: sharp on high-DPI screens).
func (p *Progress) chartHTML() (string, error) {
	fig, err := p.Figure()
	if err != nil {
		return "", err
	}
	return fig.HTML("training curves")
}

func (p *Progress) html(status, chartImg string) string {
	return `<div style="font:13px monospace;white-space:pre">` + html.EscapeString(status) + `</div>` + chartImg
}

// Finish ends the display: in a notebook it erases the live block and shows a persistent summary with the final
// curves; outside, it prints the summary and writes the curves to OutDir()/<title>-curves.png.
func (p *Progress) Finish() error {
	if len(p.names) == 0 {
		return fmt.Errorf("progress %q: finished before any update", p.title)
	}
	last := map[string]float64{}
	for _, name := range p.names {
		s := p.history[name]
		last[name] = s.Y[len(s.Y)-1]
	}
	status := p.Status(last)
	if !p.front.IsNotebook() {
		fmt.Fprintln(p.out, status)
		fig, err := p.Figure()
		if err != nil {
			return err
		}
		data, err := fig.PNG()
		if err != nil {
			return fmt.Errorf("progress %q: %w", p.title, err)
		}
		return writeOutput(p.out, p.title+"-curves", "png", data)
	}
	img, err := p.chartHTML()
	if err != nil {
		return err
	}
	p.front.UpdateHTML(p.blockID, "")
	p.front.DisplayHTML(p.html(status, img))
	return nil
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
