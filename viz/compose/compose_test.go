package compose_test

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	"github.com/gokd/gokd/viz/compose"
	"github.com/gokd/gokd/viz/internal/golden"
	"github.com/gokd/gokd/viz/internal/testimage"
	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
)

func TestDice(t *testing.T) {
	for _, c := range []struct {
		a, b []int32
		want float64
	}{
		{[]int32{1, 1, 0, 0}, []int32{1, 0, 1, 0}, 0.5}, // |A∩B|=1, |A|+|B|=4.
		{[]int32{1, 2, 0}, []int32{3, 1, 0}, 1},         // Any nonzero class is foreground.
		{[]int32{0, 0}, []int32{0, 0}, 1},
		{[]int32{1, 0}, []int32{0, 1}, 0},
	} {
		got, err := compose.Dice(c.a, c.b)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Dice(%v, %v) = %g, %v; want %g", c.a, c.b, got, err, c.want)
		}
	}
	if _, err := compose.Dice([]int32{1}, []int32{1, 0}); err == nil {
		t.Error("length mismatch: no error")
	}
}

func solid(w, h int, c color.NRGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

// bbox returns the bounding box of the pixels of colour c.
func bbox(img image.Image, c color.NRGBA) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.NRGBAModel.Convert(img.At(x, y)) == c {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func TestGridPlacesPanelsInRowsAndColumns(t *testing.T) {
	red, green, blue := color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 255, 0, 255}, color.NRGBA{0, 0, 255, 255}
	rows := [][]compose.Panel{
		{{Title: "a", Image: solid(10, 20, red)}, {Title: "b", Image: solid(30, 5, green)}},
		{{Title: "c", Image: solid(10, 10, blue)}},
	}
	img, err := compose.Grid(rows, []string{"left", "right"}, []string{"row one", "row two"})
	if err != nil {
		t.Fatal(err)
	}
	r, g, b := bbox(img, red), bbox(img, green), bbox(img, blue)
	if r.Dx() != 10 || r.Dy() != 20 || g.Dx() != 30 || g.Dy() != 5 || b.Dx() != 10 || b.Dy() != 10 {
		t.Fatalf("panels drawn at the wrong size: red %v green %v blue %v", r, g, b)
	}
	if g.Min.X <= r.Max.X || g.Min.Y != r.Min.Y {
		t.Errorf("second column %v is not right of the first %v on the same line", g, r)
	}
	if b.Min.X != r.Min.X || b.Min.Y <= r.Max.Y {
		t.Errorf("second row %v is not below the first %v in the same column", b, r)
	}
	if r.Min.X < render.TextWidth("row two") {
		t.Errorf("first column at x=%d overlaps the row titles", r.Min.X)
	}
	if _, err := compose.Grid(rows, nil, []string{"only one"}); err == nil {
		t.Error("row title count mismatch: no error")
	}
}

func TestMontageWrapsRows(t *testing.T) {
	var panels []compose.Panel
	for range 5 {
		panels = append(panels, compose.Panel{Title: "#", Image: solid(8, 8, color.NRGBA{255, 0, 0, 255})})
	}
	two, err := compose.Montage(panels, 2)
	if err != nil {
		t.Fatal(err)
	}
	five, err := compose.Montage(panels, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !(two.Bounds().Dy() > 2*five.Bounds().Dy() && two.Bounds().Dx() < five.Bounds().Dx()) {
		t.Errorf("2 columns (%v) should be taller and narrower than 5 columns (%v): 3 rows against 1",
			two.Bounds().Size(), five.Bounds().Size())
	}
	if _, err := compose.Montage(panels, 0); err == nil {
		t.Error("0 columns: no error")
	}
}

func TestComparison(t *testing.T) {
	var cases []compose.Case
	for i := range 2 {
		c := testimage.New(32, i)
		cases = append(cases, compose.Case{Label: []string{"site0/a #0", "site1/b #1"}[i], Slice: c.Slice,
			Truth: c.Truth, Teacher: c.Teacher, Student: c.Student})
	}
	r := render.New().Zoom(3)
	img, err := compose.Comparison(r, cases)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "comparison", img, golden.Default)

	studentOnly := make([]compose.Case, len(cases))
	for i, c := range cases {
		c.Teacher = nil
		studentOnly[i] = c
	}
	narrow, err := compose.Comparison(r, studentOnly)
	if err != nil {
		t.Fatal(err)
	}
	if d := img.Bounds().Dx() - narrow.Bounds().Dx(); d < 32*3 {
		t.Errorf("leaving the teacher out narrowed the grid by %d px, want at least one 96 px panel", d)
	}
	cases[1].Teacher = nil
	if _, err := compose.Comparison(r, cases); err == nil {
		t.Error("teacher for some cases only: no error")
	}
	cases[1].Teacher, cases[1].Student = cases[0].Teacher, cases[1].Student[:7]
	if _, err := compose.Comparison(r, cases); err == nil {
		t.Error("short student mask: no error")
	}
}

func TestGoldenVolumeMontage(t *testing.T) {
	var slices []render.Slice
	var layers [][]render.Layer
	for i := range 6 {
		c := testimage.New(24, i)
		slices = append(slices, c.Slice)
		layers = append(layers, []render.Layer{render.NewLayer("GT", c.Truth, palette.GroundTruth, render.Contour)})
	}
	img, err := compose.VolumeMontage(render.New().Zoom(2), slices, layers, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "montage", img, golden.Default)
	if _, err := compose.VolumeMontage(render.New(), slices, layers[:2], 1, 3); err == nil {
		t.Error("layer sets for 2 of 6 slices: no error")
	}
}
