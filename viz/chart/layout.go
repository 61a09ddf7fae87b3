package chart

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// Box is an axis-aligned rectangle in image space: display pixels (CSS pixels, 96 per inch) from the figure's
// top-left corner, y growing downwards, as a reader sees the figure.
type Box struct {
	MinX, MinY, MaxX, MaxY float64
}

// Empty reports whether the box has no area.
func (b Box) Empty() bool { return !(b.MaxX > b.MinX && b.MaxY > b.MinY) }

// Overlaps reports whether two boxes share area (touching edges do not count).
func (b Box) Overlaps(o Box) bool {
	return !b.Empty() && !o.Empty() && b.MinX < o.MaxX && o.MinX < b.MaxX && b.MinY < o.MaxY && o.MinY < b.MaxY
}

// Contains reports whether o lies inside b (edges included).
func (b Box) Contains(o Box) bool {
	return b.MinX <= o.MinX && o.MaxX <= b.MaxX && b.MinY <= o.MinY && o.MaxY <= b.MaxY
}

// String formats the box as [minX,maxX]×[minY,maxY].
func (b Box) String() string {
	return fmt.Sprintf("[%.1f,%.1f]×[%.1f,%.1f]", b.MinX, b.MaxX, b.MinY, b.MaxY)
}

// PanelLayout is where one panel of a figure put its parts.
type PanelLayout struct {
	Data   Box     // The data area: inside the axes.
	Legend Box     // The legend's extent; empty without a legend.
	Labels []Label // The point labels drawn in the data area, if any.
	Title  string  // The panel's title.
	// TitleBox is the title's extent (its lines wrapped to the panel's width); empty without a title.
	TitleBox Box
	// Unplaced are the point labels that found no free place in the data area (see [Scatter]): they are listed
	// in the legend instead.
	Unplaced []string
}

// Label is one text label drawn on a chart, with its box.
type Label struct {
	Text string
	Box  Box
}

// Layout is the geometry of a drawn figure, in display pixels: its size and where each panel put its parts. Tests
// (and readers' tools) check it: legends outside the data, labels apart and inside the plot.
type Layout struct {
	Width, Height float64
	Panels        []PanelLayout
	Caption       Label // The line below the plots; empty without caption.
}

// Layout draws the figure on a recording canvas and returns its geometry.
func (f *Figure) Layout() (Layout, error) {
	if err := f.check(); err != nil {
		return Layout{}, err
	}
	w, h := f.canvasSize()
	return f.draw(draw.NewCanvas(&recorder.Canvas{}, w, h)), nil
}

// pixelsPerPoint converts vg lengths (points, 72 per inch) to display pixels (96 per inch).
const pixelsPerPoint = 96.0 / 72

// box converts a rectangle of the figure's canvas (points, origin bottom-left) to image space.
func box(r vg.Rectangle, height vg.Length) Box {
	return Box{MinX: float64(r.Min.X) * pixelsPerPoint, MaxX: float64(r.Max.X) * pixelsPerPoint,
		MinY: float64(height-r.Max.Y) * pixelsPerPoint, MaxY: float64(height-r.Min.Y) * pixelsPerPoint}
}

// Check returns an error listing every way the layout fails a reader, or nil: a title or a legend that runs past
// the figure, a legend that covers a data area, a point label outside its data area, two labels that overlap, a caption over a data
// area.
func (l Layout) Check() error {
	var problems []error
	whole := Box{MaxX: l.Width, MaxY: l.Height}
	for i, p := range l.Panels {
		for j, q := range l.Panels {
			if p.Legend.Overlaps(q.Data) {
				problems = append(problems, fmt.Errorf("panel %d's legend %v covers panel %d's data area %v", i, p.Legend, j, q.Data))
			}
			if l.Caption.Box.Overlaps(q.Data) {
				problems = append(problems, fmt.Errorf("the caption %v covers panel %d's data area %v", l.Caption.Box, j, q.Data))
			}
		}
		if !p.TitleBox.Empty() && !whole.Contains(p.TitleBox) {
			problems = append(problems, fmt.Errorf("panel %d's title %v runs past the figure %v", i, p.TitleBox, whole))
		}
		if !p.Legend.Empty() && !whole.Contains(p.Legend) {
			problems = append(problems, fmt.Errorf("panel %d's legend %v runs past the figure %v", i, p.Legend, whole))
		}
		for a, la := range p.Labels {
			if !p.Data.Contains(la.Box) {
				problems = append(problems, fmt.Errorf("panel %d: label %q %v runs past the data area %v", i, la.Text, la.Box, p.Data))
			}
			for _, lb := range p.Labels[a+1:] {
				if la.Box.Overlaps(lb.Box) {
					problems = append(problems, fmt.Errorf("panel %d: labels %q %v and %q %v overlap", i, la.Text, la.Box, lb.Text, lb.Box))
				}
			}
		}
	}
	return errors.Join(problems...)
}
