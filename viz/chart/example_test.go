package chart_test

import (
	"fmt"
	"strings"

	"github.com/gokd/gokd/viz/chart"
	"github.com/gokd/gokd/viz/palette"
)

// A forest plot of paired gaps with their confidence intervals, a line at no difference and one at a published
// gain, shown in HTML at its display size (its PNG has twice the pixels, sharp on high-DPI screens).
func ExampleForest() {
	fig, err := chart.Forest("Paired gaps over test cases", "gap (% of the baseline's Dice)", []chart.Estimate{
		{Label: "adaptive − scratch", Mean: 2.5, Low: -0.1, High: 5.1, Style: chart.Style{Color: palette.Orange}},
		{Label: "single − scratch", Mean: 10.8, Low: 7.9, High: 13.1, Style: chart.Style{Color: palette.BluishGreen}},
	}, chart.Reference{Label: "no difference", X: 0}, chart.Reference{Label: "paper: +9%", X: 9, Dash: true})
	if err != nil {
		panic(err)
	}
	fig.Caption("Dots: mean gap; bars: 95% bootstrap confidence interval.")
	img, err := fig.HTML("paired gaps")
	if err != nil {
		panic(err)
	}
	w, h := fig.DisplaySize()
	fmt.Println(strings.HasPrefix(img, `<img alt="paired gaps"`), w, h)
	// Output: true 691 192
}

// A figure's layout tells where its parts went, in display pixels: the legend lies outside the data area.
func ExampleFigure_Layout() {
	fig, err := chart.GroupedBars("Dice per site", "Dice", []string{"all", "BIDMC", "HK"}, []chart.Bars{
		{Name: "teacher", Values: []float64{0.9, 0.92, 0.88}},
		{Name: "student", Values: []float64{0.8, 0.83, 0.78}, Err: []float64{0.02, 0.03, 0.02}},
	})
	if err != nil {
		panic(err)
	}
	l, err := fig.Layout()
	if err != nil {
		panic(err)
	}
	p := l.Panels[0]
	fmt.Println(p.Legend.Overlaps(p.Data), p.Legend.MinX > p.Data.MaxX)
	// Output: false true
}
