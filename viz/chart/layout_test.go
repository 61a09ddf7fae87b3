package chart_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gokd/gokd/viz/chart"
)

// checkLayout checks a figure's geometry as a reader would see it (Layout.Check): every legend outside every data
// area, no two labels on top of each other, every label inside its data area and every legend inside the figure.
func checkLayout(t *testing.T, name string, f *chart.Figure) chart.Layout {
	t.Helper()
	l, err := f.Layout()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := l.Check(); err != nil {
		t.Errorf("%s:\n%v", name, err)
	}
	return l
}

// longName makes an adversarial series name.
func longName(i int) string {
	return fmt.Sprintf("model %d with a rather long descriptive name (%s)", i, strings.Repeat("x", i%4))
}

func TestGroupedBarsLegendOutsideData(t *testing.T) {
	groups := []string{"all", "BIDMC", "HK", "I2CVB", "site4", "site5", "site6"}
	var models []chart.Bars
	for i := range 10 {
		b := chart.Bars{Name: longName(i)}
		for g := range groups {
			b.Values = append(b.Values, 0.95-0.01*float64(i+g))
		}
		models = append(models, b)
	}
	fig, err := chart.GroupedBars("Dice per test site", "Dice", groups, models)
	if err != nil {
		t.Fatal(err)
	}
	l := checkLayout(t, "grouped bars", fig)
	if len(l.Panels) != 1 || l.Panels[0].Legend.Empty() {
		t.Fatalf("layout %+v: want one panel with a legend", l)
	}
}

func TestLinesLegendOutsideData(t *testing.T) {
	var loss, dice []chart.Series
	for r := range 8 {
		x, y := steps(30, func(i int) float64 { return 1 / float64(i+1+r) })
		loss = append(loss, chart.Series{Name: longName(r), X: x, Y: y})
		x, y = steps(30, func(i int) float64 { return 0.9 - 0.2/float64(i+1+r) })
		dice = append(dice, chart.Series{Name: longName(r), X: x, Y: y})
	}
	fig, err := chart.TrainingCurves(loss, dice)
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, "training curves", fig)
}

// crowdedPoints are the scatter plots' worst case: many models at the same size (every student kind has the
// same architecture) with close Dice, some exactly on top of each other, long names, and points at the right
// and top edges.
func crowdedPoints() []chart.Point {
	points := []chart.Point{{Label: "teacher", Group: "teacher", X: 31e6, Y: 0.97}}
	for i := range 6 {
		points = append(points, chart.Point{Label: fmt.Sprintf("site_teacher-site%d", i), Group: "site teachers",
			X: 31e6, Y: 0.9 + 0.01*float64(i%3)})
	}
	for i, name := range []string{"student_scratch", "student_scratch_all", "student_single_kd", "student_mean_kd",
		"student_adaptive_kd", "student_adaptive_class_kd", "student_entropy_kd", "student_adaptive_semi_kd"} {
		points = append(points, chart.Point{Label: name, Group: "students", X: 2.5e3, Y: 0.77 + 0.002*float64(i)})
	}
	points = append(points, chart.Point{Label: longName(1), Group: "students", X: 2.5e3, Y: 0.77},
		chart.Point{Label: longName(2), Group: "students", X: 2.5e3, Y: 0.77})
	return points
}

func TestScatterLabelsApart(t *testing.T) {
	points := crowdedPoints()
	byParams, err := chart.AccuracyVsParameters(points)
	if err != nil {
		t.Fatal(err)
	}
	l := checkLayout(t, "dice against size", byParams)
	if got := len(l.Panels[0].Labels) + len(l.Panels[0].Unplaced); got != len(points) {
		t.Errorf("dice against size: %d labels, want one per point (%d)", got, len(points))
	}
	for i := range points {
		points[i].X = 1 + float64(i%3)*0.01 // Latencies: all close, some equal.
	}
	byLatency, err := chart.AccuracyVsLatency(points)
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, "dice against latency", byLatency)
}

func TestForestLegendOutsideData(t *testing.T) {
	var rows []chart.Estimate
	for i := range 12 {
		m := float64(i) - 3
		rows = append(rows, chart.Estimate{Label: longName(i), Mean: m, Low: m - 2, High: m + 2})
	}
	fig, err := chart.Forest("Paired gaps", "gap (%)", rows, chart.Reference{Label: "no difference", X: 0},
		chart.Reference{Label: "the paper's gain, +9% — a reference line with a very long name indeed", X: 9, Dash: true})
	if err != nil {
		t.Fatal(err)
	}
	l := checkLayout(t, "forest", fig.Caption("dots: mean gap; bars: 95% bootstrap CI"))
	if l.Panels[0].Legend.Empty() || l.Caption.Box.Empty() || l.Caption.Box.Overlaps(l.Panels[0].Data) {
		t.Errorf("forest layout %+v: want a legend and a caption clear of the data", l)
	}
	if _, err := chart.Forest("x", "y", []chart.Estimate{{Label: "a", Mean: 3, Low: 4, High: 5}}); err == nil {
		t.Error("mean outside its interval: no error")
	}
}

// A title wider than its panel wraps to fit the figure instead of running past both edges (notebook 03's ablation
// chart lost the start of its title).
func TestLongTitleFitsTheFigure(t *testing.T) {
	title := "Ablation of the loss terms (3 seeds, held-out cases): Dice on held-out cases, " +
		strings.Repeat("with a title far longer than the panel is wide ", 2)
	models := []chart.Bars{{Name: "from scratch (Dice + Lovász)", Values: []float64{0.5, 0.4}},
		{Name: "KL only", Values: []float64{0, 0}}, {Name: "+ features (full)", Values: []float64{0.3, 0.2}}}
	fig, err := chart.GroupedBars(title, "Dice", []string{"all", "site0"}, models)
	if err != nil {
		t.Fatal(err)
	}
	l := checkLayout(t, "long title", fig)
	p := l.Panels[0]
	if p.TitleBox.Empty() || p.Title != title {
		t.Fatalf("panel %+v: want the title's box and its whole text", p)
	}
	if p.TitleBox.MaxY-p.TitleBox.MinY < 2*(p.TitleBox.MaxX-p.TitleBox.MinX)/float64(len(title)) {
		t.Errorf("title box %v: want it wrapped on several lines", p.TitleBox)
	}
}
