package render_test

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/viz/internal/golden"
	"github.com/gokd/gokd/viz/internal/testimage"
	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
)

func TestPercentileWindow(t *testing.T) {
	values := make([]float32, 101)
	for i := range values {
		values[i] = float32(100 - i) // Unsorted on purpose.
	}
	values = append(values, float32(math.NaN()), float32(math.Inf(1)))
	w, err := render.PercentileWindow(values, 1, 99)
	if err != nil {
		t.Fatal(err)
	}
	if w.Low != 1 || w.High != 99 {
		t.Errorf("window = %+v, want [1, 99]", w)
	}
	if w, err = render.PercentileWindow(values, 0, 50.5); err != nil || w.High != 50.5 {
		t.Errorf("interpolated percentile: window %+v, err %v; want High 50.5", w, err)
	}
	if w, err = render.PercentileWindow([]float32{5, 5, 5}, 1, 99); err != nil || w.Low != 5 || w.High != 6 {
		t.Errorf("constant image: window %+v, err %v; want [5, 6]", w, err)
	}
	for _, bad := range [][2]float64{{50, 50}, {-1, 99}, {1, 101}, {99, 1}} {
		if _, err := render.PercentileWindow(values, bad[0], bad[1]); err == nil {
			t.Errorf("percentiles %v: no error", bad)
		}
	}
	if _, err := render.PercentileWindow([]float32{float32(math.NaN())}, 1, 99); err == nil {
		t.Error("no finite values: no error")
	}
}

func TestWindowGray(t *testing.T) {
	w := render.Window{Low: 100, High: 200}
	for _, c := range []struct {
		v    float32
		want uint8
	}{{50, 0}, {100, 0}, {150, 128}, {200, 255}, {1e9, 255}, {float32(math.NaN()), 0}} {
		if got := w.Gray(c.v); got != c.want {
			t.Errorf("Gray(%g) = %d, want %d", c.v, got, c.want)
		}
	}
}

// ramp returns a height×width slice whose value is the column index.
func ramp(height, width int) render.Slice {
	s := render.Slice{Pixels: make([]float32, height*width), Height: height, Width: width}
	for i := range s.Pixels {
		s.Pixels[i] = float32(i % width)
	}
	return s
}

func TestGrayZoomNearestAndBilinear(t *testing.T) {
	s := ramp(2, 4)
	r := render.New().FixedWindow(render.Window{Low: 0, High: 3}).Zoom(2)
	img, err := r.Gray(s)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 8 || b.Dy() != 4 {
		t.Fatalf("size %v, want 8×4", b.Size())
	}
	window := render.Window{Low: 0, High: 3}
	for y := range 4 {
		for x := range 8 {
			if got, want := img.GrayAt(x, y).Y, window.Gray(float32(x/2)); got != want {
				t.Errorf("nearest (%d,%d) = %d, want %d (source column %d)", x, y, got, want, x/2)
			}
		}
	}
	smooth, err := r.Interpolation(render.Bilinear).Gray(s)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[uint8]bool{}
	for x := range 8 {
		v := smooth.GrayAt(x, 0).Y
		distinct[v] = true
		if x > 0 && v < smooth.GrayAt(x-1, 0).Y {
			t.Errorf("bilinear ramp decreases at x=%d", x)
		}
	}
	if len(distinct) <= 4 {
		t.Errorf("bilinear gave %d distinct levels on a 4-level ramp zoomed ×2, want more (smooth)", len(distinct))
	}
	if smooth.GrayAt(0, 0).Y != 0 || smooth.GrayAt(7, 0).Y != 255 {
		t.Errorf("bilinear ends = %d, %d; want 0 and 255 (clamped to edge pixels)", smooth.GrayAt(0, 0).Y,
			smooth.GrayAt(7, 0).Y)
	}
	if h, w := render.New().Zoom(0.5).OutputSize(5, 64); h != 3 || w != 32 {
		t.Errorf("OutputSize(5, 64) at zoom 0.5 = %d×%d, want 3×32", h, w)
	}
}

// Row 0 is anterior (top of the image) and column 0 the patient's right (left of the image): a marker at the
// stored row 0, last column must land in the image's top-right corner.
func TestOrientationAsStored(t *testing.T) {
	s := render.Slice{Pixels: make([]float32, 6*6), Height: 6, Width: 6}
	s.Pixels[0*6+5] = 1
	img, err := render.New().FixedWindow(render.Window{Low: 0, High: 1}).Zoom(3).Gray(s)
	if err != nil {
		t.Fatal(err)
	}
	if img.GrayAt(17, 0).Y != 255 || img.GrayAt(0, 17).Y != 0 || img.GrayAt(0, 0).Y != 0 {
		t.Error("marker at stored (row 0, last column) is not at the image's top-right")
	}
}

func TestSampleSliceTakesCentreChannel(t *testing.T) {
	sample := &datasets.Sample{Size: 2, Channels: 3, Mask: make([]int32, 4), Image: make([]float32, 12)}
	for i := range 4 {
		sample.Image[i*3+1] = float32(10 + i)
	}
	s, err := render.SampleSlice(sample)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Pixels {
		if v != float32(10+i) {
			t.Errorf("pixel %d = %g, want %d", i, v, 10+i)
		}
	}
	sample.Image = sample.Image[:5]
	if _, err := render.SampleSlice(sample); err == nil {
		t.Error("inconsistent sample: no error")
	}
}

func TestLayerImageFillAndContour(t *testing.T) {
	const size = 9
	s := render.Slice{Pixels: make([]float32, size*size), Height: size, Width: size}
	mask := make([]int32, size*size)
	for y := 2; y < 7; y++ {
		for x := 2; x < 7; x++ {
			mask[y*size+x] = 1
		}
	}
	r := render.New().FillOpacity(0.5)
	img, err := r.LayerImage(s, render.NewLayer("GT", mask, palette.GroundTruth, render.FillAndContour))
	if err != nil {
		t.Fatal(err)
	}
	fill := palette.GroundTruth
	fill.A = 128
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{{0, 0, color.NRGBA{}}, {2, 2, palette.GroundTruth}, {6, 4, palette.GroundTruth}, {4, 4, fill}, {3, 3, fill},
		{7, 4, color.NRGBA{}}} {
		if got := img.NRGBAAt(c.x, c.y); got != c.want {
			t.Errorf("(%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	contourOnly, err := r.LayerImage(s, render.NewLayer("GT", mask, palette.GroundTruth, render.Contour))
	if err != nil {
		t.Fatal(err)
	}
	if got := contourOnly.NRGBAAt(4, 4); got.A != 0 {
		t.Errorf("contour-only interior = %v, want transparent", got)
	}
	if _, err := r.LayerImage(s, render.NewLayer("short", mask[:10], palette.GroundTruth, render.Fill)); err == nil ||
		!strings.Contains(err.Error(), `"short"`) {
		t.Errorf("short mask: error %v, want one naming the layer", err)
	}
	if _, err := render.New().Zoom(0).Gray(s); err == nil {
		t.Error("zoom 0: no error")
	}
}

func TestErrorLayers(t *testing.T) {
	truth := []int32{1, 1, 0, 0}
	pred := []int32{1, 0, 1, 0}
	fp, fn, err := render.ErrorLayers(truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{0, 0, 1, 0}; !slices.Equal(fp.Mask, want) {
		t.Errorf("false positives %v, want %v", fp.Mask, want)
	}
	if want := []int32{0, 1, 0, 0}; !slices.Equal(fn.Mask, want) {
		t.Errorf("false negatives %v, want %v", fn.Mask, want)
	}
	if fp.Color == fn.Color {
		t.Error("false positives and negatives share a colour")
	}
	if _, _, err := render.ErrorLayers(truth, pred[:3]); err == nil {
		t.Error("length mismatch: no error")
	}
}

func TestLegendShowsEachColour(t *testing.T) {
	layers := []render.Layer{{Name: "Ground truth", Color: palette.GroundTruth}, {Name: "Teacher", Color: palette.Teacher},
		{Name: "Student", Color: palette.Student}}
	img := render.Legend(layers, 80) // Too narrow for one line: must wrap, not clip.
	for _, l := range layers {
		if !contains(img, l.Color) {
			t.Errorf("legend lacks the swatch of %q", l.Name)
		}
	}
	if img.Bounds().Dy() < 3*render.LineHeight {
		t.Errorf("legend 80 px wide is %d px tall, want ≥ 3 lines (wrapped)", img.Bounds().Dy())
	}
}

func contains(img image.Image, c color.NRGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.NRGBAModel.Convert(img.At(x, y)) == c {
				return true
			}
		}
	}
	return false
}

func TestGoldenOverlay(t *testing.T) {
	c := testimage.New(32, 0)
	layers := []render.Layer{
		render.NewLayer("Ground truth", c.Truth, palette.GroundTruth, render.Contour),
		render.NewLayer("Teacher", c.Teacher, palette.Teacher, render.Contour),
		render.NewLayer("Student", c.Student, palette.Student, render.FillAndContour),
	}
	img, err := render.New().Zoom(3).Overlay(c.Slice, layers...)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "overlay", render.WithLegend(img, layers), golden.Default)
}

func TestGoldenBilinearErrorMap(t *testing.T) {
	c := testimage.New(32, 3)
	fp, fn, err := render.ErrorLayers(c.Truth, c.Student)
	if err != nil {
		t.Fatal(err)
	}
	img, err := render.New().Zoom(2.5).Interpolation(render.Bilinear).FillOpacity(0.6).
		Overlay(c.Slice, fp, fn)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "error_bilinear", img, golden.Default)
}
