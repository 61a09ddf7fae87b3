package chart

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// labeller places point labels that never overlap one another, any marker or whisker, or the edge of the
// data area. Each label goes beside its point (right, left, above or below) when one of those places is free,
// else in the free place nearest to it, joined to its point by a thin leader line; a label with no free place
// left is not drawn and listed in unplaced (and then in the legend: see Figure.listUnplaced).
type labeller struct {
	style  text.Style
	marker vg.Length // Marker radius: labels keep clear of every marker.

	// Set by place.
	placed   []placedLabel
	unplaced []int // Indices of the points whose label has no place.
}

type placedLabel struct {
	text   string
	box    vg.Rectangle
	leader bool     // The label sits away from its point: a line joins them.
	point  vg.Point // Its point, in canvas coordinates.
}

// Spacing of labels: the gap between a marker and its label, the margin kept around every label and the step of
// the search for a free place.
const (
	labelGap    = vg.Length(2)
	labelMargin = vg.Length(1)
	searchStepX = vg.Length(6)
	searchStepY = vg.Length(3)
)

func newLabeller(marker vg.Length) *labeller {
	return &labeller{style: textStyle(LabelSize), marker: marker}
}

// draw draws the placed labels and their leader lines.
func (l *labeller) draw(c draw.Canvas) {
	leader := draw.LineStyle{Color: leaderColour, Width: vg.Length(0.6)}
	for _, pl := range l.placed {
		if pl.leader {
			end := nearest(pl.box, pl.point)
			c.StrokeLine2(leader, pl.point.X, pl.point.Y, end.X, end.Y)
		}
		c.FillText(l.style, pl.box.Min.Sub(l.style.Rectangle(pl.text).Min), pl.text)
	}
}

// place chooses the boxes of the labels texts[i] of the points at[i] (canvas coordinates) inside bounds, clear
// of the markers and of the obstacles, top to bottom.
func (l *labeller) place(bounds vg.Rectangle, at []vg.Point, texts []string, obstacles []vg.Rectangle) {
	l.placed, l.unplaced = nil, nil
	taken := slices.Clone(obstacles)
	r := l.marker + labelMargin
	for _, pt := range at {
		taken = append(taken, vg.Rectangle{Min: pt.Sub(vg.Point{X: r, Y: r}), Max: pt.Add(vg.Point{X: r, Y: r})})
	}
	order := make([]int, len(at))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(at[b].Y, at[a].Y) })
	for _, i := range order {
		size := l.style.Rectangle(texts[i]).Size()
		box, leader, ok := l.find(bounds, at[i], size, taken)
		if !ok {
			l.unplaced = append(l.unplaced, i)
			continue
		}
		taken = append(taken, grow(box, labelMargin))
		l.placed = append(l.placed, placedLabel{text: texts[i], box: box, leader: leader, point: at[i]})
	}
}

// find returns the first free box of the given size for a label of the point at pt: beside it, else the free
// place nearest to it (leader true).
func (l *labeller) find(bounds vg.Rectangle, pt, size vg.Point, taken []vg.Rectangle) (vg.Rectangle, bool, bool) {
	free := func(b vg.Rectangle) bool {
		if b.Min.X < bounds.Min.X || b.Min.Y < bounds.Min.Y || b.Max.X > bounds.Max.X || b.Max.Y > bounds.Max.Y {
			return false
		}
		return !slices.ContainsFunc(taken, func(t vg.Rectangle) bool { return overlaps(b, t) })
	}
	g := l.marker + labelGap
	beside := []vg.Point{
		{X: pt.X + g, Y: pt.Y - size.Y/2},          // Right.
		{X: pt.X - g - size.X, Y: pt.Y - size.Y/2}, // Left.
		{X: pt.X - size.X/2, Y: pt.Y + g},          // Above.
		{X: pt.X - size.X/2, Y: pt.Y - g - size.Y}, // Below.
	}
	for _, m := range beside {
		if b := (vg.Rectangle{Min: m, Max: m.Add(size)}); free(b) {
			return b, false, true
		}
	}
	// Every place in the data area, nearest first (the distance from the point to the box).
	var places []vg.Rectangle
	for x := bounds.Min.X; x+size.X <= bounds.Max.X; x += searchStepX {
		for y := bounds.Min.Y; y+size.Y <= bounds.Max.Y; y += searchStepY {
			places = append(places, vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + size.X, Y: y + size.Y}})
		}
	}
	dist := func(b vg.Rectangle) float64 {
		n := nearest(b, pt)
		return math.Hypot(float64(n.X-pt.X), float64(n.Y-pt.Y))
	}
	slices.SortStableFunc(places, func(a, b vg.Rectangle) int { return cmp.Compare(dist(a), dist(b)) })
	for _, b := range places {
		if free(b) {
			return b, true, true
		}
	}
	return vg.Rectangle{}, false, false
}

// nearest returns the point of the rectangle nearest to p.
func nearest(r vg.Rectangle, p vg.Point) vg.Point {
	return vg.Point{X: min(max(p.X, r.Min.X), r.Max.X), Y: min(max(p.Y, r.Min.Y), r.Max.Y)}
}

// overlaps reports whether two rectangles share area.
func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// grow returns r grown by m on every side.
func grow(r vg.Rectangle, m vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: r.Min.Sub(vg.Point{X: m, Y: m}), Max: r.Max.Add(vg.Point{X: m, Y: m})}
}
