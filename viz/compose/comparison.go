package compose

import (
	"fmt"
	"image"

	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
)

// Case is one row of a comparison: a slice, its ground truth and the teacher's and student's predictions.
// Teacher may be nil (a student-only comparison) for every case of a grid, and then its column is left out.
type Case struct {
	Label   string // Row title, e.g. "BIDMC/Case03 #12".
	Slice   render.Slice
	Truth   []int32
	Teacher []int32
	Student []int32
}

// Comparison renders the comparison grid: one row per case, columns ground truth / teacher / student /
// student errors (false positives and negatives) — or ground truth / prediction / errors when no case has a
// teacher prediction — each prediction panel titled with its Dice against the ground truth, and a legend below.
func Comparison(r *render.Renderer, cases []Case) (*image.RGBA, error) {
	if len(cases) == 0 {
		return nil, fmt.Errorf("compose: comparison of no cases")
	}
	withTeacher := cases[0].Teacher != nil
	// Without a teacher the one prediction may be any model's: the columns say "Prediction".
	columns := []string{"Ground truth", "Prediction", "Errors"}
	if withTeacher {
		columns = []string{"Ground truth", "Teacher", "Student", "Student errors"}
	}
	rows := make([][]Panel, len(cases))
	labels := make([]string, len(cases))
	var fp, fn render.Layer
	for i, c := range cases {
		if (c.Teacher != nil) != withTeacher {
			return nil, fmt.Errorf("compose: case %d (%s): teacher prediction given for some cases only", i, c.Label)
		}
		var err error
		if rows[i], fp, fn, err = comparisonRow(r, c, withTeacher); err != nil {
			return nil, fmt.Errorf("compose: case %d (%s): %w", i, c.Label, err)
		}
		labels[i] = c.Label
	}
	grid, err := Grid(rows, columns, labels)
	if err != nil {
		return nil, err
	}
	legend := []render.Layer{{Name: "Ground truth", Color: palette.GroundTruth}, {Name: "Teacher", Color: palette.Teacher},
		{Name: "Student", Color: palette.Student}, fp, fn}
	if !withTeacher {
		legend = append(legend[:1], render.Layer{Name: "Prediction", Color: palette.Student}, fp, fn)
	}
	return render.WithLegend(grid, legend), nil
}

// comparisonRow renders one case's panels; it also returns the error layers, whose names and colours the
// legend shows.
func comparisonRow(r *render.Renderer, c Case, withTeacher bool) (row []Panel, fp, fn render.Layer, err error) {
	window, err := r.Window(c.Slice)
	if err != nil {
		return nil, fp, fn, err
	}
	panel := func(title string, layers ...render.Layer) error {
		img, err := r.OverlayWindowed(c.Slice, window, layers...)
		row = append(row, Panel{Title: title, Image: img})
		return err
	}
	predictionPanel := func(name string, mask []int32, col render.Layer) error {
		d, err := Dice(c.Truth, mask)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return panel(fmt.Sprintf("Dice %.3f", d), col)
	}
	if err := panel("", render.NewLayer("Ground truth", c.Truth, palette.GroundTruth, render.FillAndContour)); err != nil {
		return nil, fp, fn, err
	}
	if withTeacher {
		if err := predictionPanel("teacher", c.Teacher,
			render.NewLayer("Teacher", c.Teacher, palette.Teacher, render.FillAndContour)); err != nil {
			return nil, fp, fn, err
		}
	}
	if err := predictionPanel("student", c.Student,
		render.NewLayer("Student", c.Student, palette.Student, render.FillAndContour)); err != nil {
		return nil, fp, fn, err
	}
	if fp, fn, err = render.ErrorLayers(c.Truth, c.Student); err != nil {
		return nil, fp, fn, err
	}
	fpCount, fnCount := count(fp.Mask), count(fn.Mask)
	if err := panel(fmt.Sprintf("FP %d  FN %d px", fpCount, fnCount), fp, fn); err != nil {
		return nil, fp, fn, err
	}
	return row, fp, fn, nil
}

// Dice returns the Dice overlap 2|A∩B|/(|A|+|B|) of two binary masks (nonzero is foreground); two empty masks
// agree perfectly (1). It is here for panel titles only; training metrics live in package kd.
func Dice(a, b []int32) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("dice: masks have %d and %d values", len(a), len(b))
	}
	var both, sum int
	for i := range a {
		inA, inB := a[i] != 0, b[i] != 0
		if inA && inB {
			both++
		}
		if inA {
			sum++
		}
		if inB {
			sum++
		}
	}
	if sum == 0 {
		return 1, nil
	}
	return 2 * float64(both) / float64(sum), nil
}

func count(mask []int32) int {
	n := 0
	for _, v := range mask {
		if v != 0 {
			n++
		}
	}
	return n
}
