package chart_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/gokd/gokd/viz/chart"
	"github.com/gokd/gokd/viz/palette"
)

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// countColour counts the pixels of exactly colour c.
func countColour(img image.Image, c color.NRGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.NRGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

func steps(n int, f func(i int) float64) (x, y []float64) {
	for i := range n {
		x, y = append(x, float64(i*10)), append(y, f(i))
	}
	return x, y
}

func TestTrainingCurves(t *testing.T) {
	var loss, dice []chart.Series
	for r, name := range []string{"teacher", "student KD"} {
		x, y := steps(20, func(i int) float64 { return 1 / float64(i+1+r) })
		loss = append(loss, chart.Series{Name: name, X: x, Y: y})
		x, y = steps(5, func(i int) float64 { return 0.5 + 0.08*float64(i) - 0.05*float64(r) })
		dice = append(dice, chart.Series{Name: name, X: x, Y: y})
	}
	fig, err := chart.TrainingCurves(loss, dice)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, must(t, fig.PNG))
	if b := img.Bounds(); b.Dx() <= b.Dy() {
		t.Errorf("two-panel figure is %v, want wider than tall", b.Size())
	}
	for i := range 2 {
		if countColour(img, palette.Series(i)) < 100 {
			t.Errorf("run %d's colour %v barely appears: its curves are missing", i, palette.Series(i))
		}
	}
	svg := string(must(t, fig.SVG))
	for _, want := range []string{"<svg", "teacher", "student KD", "Loss", "Dice"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	lossOnly, err := chart.TrainingCurves(loss, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := decodePNG(t, must(t, lossOnly.PNG)).Bounds().Dx(); w >= img.Bounds().Dx() {
		t.Errorf("loss-only figure is %d px wide, want narrower than the two-panel %d", w, img.Bounds().Dx())
	}
	if _, err := chart.TrainingCurves(nil, nil); err == nil {
		t.Error("no series: no error")
	}
	loss[0].Y = loss[0].Y[:3]
	if _, err := chart.TrainingCurves(loss, nil); err == nil || !strings.Contains(err.Error(), "teacher") {
		t.Errorf("ragged series: error %v, want one naming the series", err)
	}
}

func must(t *testing.T, encode func() ([]byte, error)) []byte {
	t.Helper()
	data, err := encode()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestGroupedBars(t *testing.T) {
	sites := []string{"BIDMC", "HK", "I2CVB"}
	models := []chart.Bars{{Name: "teacher", Values: []float64{0.9, 0.85, 0.88}},
		{Name: "student", Values: []float64{0.8, 0.7, 0.75}}, {Name: "baseline", Values: []float64{0.6, 0.5, 0.65}}}
	fig, err := chart.GroupedBars("Dice per site", "Dice", sites, models)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, must(t, fig.PNG))
	area := make([]int, len(models))
	for i := range models {
		area[i] = countColour(img, palette.Series(i))
	}
	// Bar areas are proportional to the values' sums (same widths), minus the small legend swatch.
	if !(area[0] > area[1] && area[1] > area[2] && area[2] > 0) {
		t.Errorf("bar areas %v do not follow the models' Dice sums 2.63 > 2.25 > 1.75", area)
	}
	svg := string(must(t, fig.SVG))
	for _, want := range append(sites, "teacher", "baseline") {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	models[1].Values = models[1].Values[:2]
	if _, err := chart.GroupedBars("x", "y", sites, models); err == nil || !strings.Contains(err.Error(), "student") {
		t.Errorf("short model: error %v, want one naming the model", err)
	}
}

func TestScatter(t *testing.T) {
	points := []chart.Point{
		{Label: "teacher", Group: "teacher", X: 31e6, Y: 0.88},
		{Label: "student KD", Group: "students", X: 1.9e6, Y: 0.84},
		{Label: "student MT-KD", Group: "students", X: 1.9e6, Y: 0.85},
		{Label: "student alone", Group: "baselines", X: 1.9e6, Y: 0.79},
	}
	fig, err := chart.AccuracyVsParameters(points)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(must(t, fig.SVG))
	for _, want := range []string{"student MT-KD", "baselines", "parameters"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	img := decodePNG(t, must(t, fig.PNG))
	for i := range 3 {
		if countColour(img, palette.Series(i)) == 0 {
			t.Errorf("group %d's colour is missing", i)
		}
	}
	points[0].X = 0
	if _, err := chart.AccuracyVsParameters(points); err == nil {
		t.Error("x=0 on a log axis: no error")
	}
	if _, err := chart.AccuracyVsLatency(points); err != nil {
		t.Errorf("x=0 on a linear axis: %v", err)
	}
}

// A bar of value 0 is drawn as a thin block of its colour on the baseline, not left out: a model that scored 0 must
// be told from a missing one. Its colour is looked for inside the data area, where the legend's swatch is not.
func TestZeroBarIsVisible(t *testing.T) {
	models := []chart.Bars{{Name: "teacher", Values: []float64{0.9, 0.8}}, {Name: "collapsed", Values: []float64{0, 0}}}
	fig, err := chart.GroupedBars("Dice per site", "Dice", []string{"A", "B"}, models)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := fig.Layout()
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, must(t, fig.PNG))
	scale := float64(img.Bounds().Dx()) / layout.Width
	data := layout.Panels[0].Data
	inData := 0
	for y := int(data.MinY * scale); y < int(data.MaxY*scale); y++ {
		for x := int(data.MinX * scale); x < int(data.MaxX*scale); x++ {
			if color.NRGBAModel.Convert(img.At(x, y)) == palette.Series(1) {
				inData++
			}
		}
	}
	if inData == 0 {
		t.Error("no pixel of the zero bars' colour in the data area: a model that scored 0 looks missing")
	}
}
