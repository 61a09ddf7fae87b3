package render_test

import (
	"image"
	"path/filepath"
	"testing"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/viz/render"
)

// regionMax returns the brightest gray level of img over columns [x0, x1) and rows [y0, y1), clipped to img.
func regionMax(img *image.Gray, x0, y0, x1, y1 int) uint8 {
	var m uint8
	r := image.Rect(x0, y0, x1, y1).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m = max(m, img.GrayAt(x, y).Y)
		}
	}
	return m
}

// TestRealCaseOrientation renders the real case's mid-gland slice as the pipeline does (canonical volume, axial
// slice as stored) and checks the anatomy lands where radiologists expect it: anterior up, the patient's left on
// the image's right, the prostate centred left-right with the rectum (its bright wall, lit by the endorectal
// coil) just posterior to it, and the body outline balanced about the prostate.
func TestRealCaseOrientation(t *testing.T) {
	image, _, err := shared.RealCase(".")
	if err != nil {
		t.Skipf("real prostate case not available (%v): skipping the orientation test", err)
	}
	dir := filepath.Dir(image)
	readCanonical := func(name string) *volume.Volume {
		v, err := volume.ReadVolume(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return v.Canonical()
	}
	img, seg := readCanonical("Case00.nii.gz"), readCanonical("Case00_segmentation.nii.gz")
	if err := img.SameGrid(seg); err != nil {
		t.Fatal(err)
	}
	// Moving right along a displayed row goes to the patient's left (RAS x decreases); moving down a column goes
	// posterior (RAS y decreases).
	if img.Affine[0][0] >= 0 || img.Affine[1][1] >= 0 {
		t.Fatalf("canonical affine %v: columns do not run right→left and rows anterior→posterior", img.Affine)
	}

	width, height := img.Dims[0], img.Dims[1]
	z, area := 0, 0
	for k := range seg.Dims[2] {
		n := 0
		for _, v := range seg.AxialSlice(k) {
			if v > 0.5 {
				n++
			}
		}
		if n > area {
			z, area = k, n
		}
	}
	mask := make([]int32, width*height)
	var sumX, sumY float64
	top, bottom := height, 0
	for i, v := range seg.AxialSlice(z) {
		if v > 0.5 {
			mask[i] = 1
			x, y := i%width, i/width
			sumX, sumY = sumX+float64(x), sumY+float64(y)
			top, bottom = min(top, y), max(bottom, y)
		}
	}
	cx, cy := sumX/float64(area), sumY/float64(area)
	gray, err := render.New().Gray(render.Slice{Pixels: img.AxialSlice(z), Height: height, Width: width})
	if err != nil {
		t.Fatal(err)
	}

	if cx < 0.4*float64(width) || cx > 0.6*float64(width) {
		t.Errorf("prostate centroid at column %.1f of %d: not centred left-right", cx, width)
	}
	if cy > 0.5*float64(height) {
		t.Errorf("prostate centroid at row %.1f of %d: in the posterior half, the image is upside down", cy, height)
	}
	// The rectal wall is the brightest structure next to the prostate, and it is behind it (below in the image).
	band := 12
	x0, x1 := int(cx)-band, int(cx)+band
	posterior := regionMax(gray, x0, bottom+1, x1, bottom+1+band)
	anterior := regionMax(gray, x0, top-band, x1, top)
	if posterior < 250 || anterior >= posterior {
		t.Errorf("brightest level just posterior to the prostate %d, just anterior %d: want the bright rectal wall "+
			"below the prostate", posterior, anterior)
	}
	// Body outline: the tissue (above the darkest tenth of the window) balances left-right about the prostate.
	var left, right int
	for y := range height {
		for x := range width {
			if gray.GrayAt(x, y).Y > 25 {
				if float64(x) < cx {
					left++
				} else {
					right++
				}
			}
		}
	}
	if ratio := float64(left) / float64(right); ratio < 0.8 || ratio > 1.25 {
		t.Errorf("body tissue left/right of the prostate = %d/%d: the body is not centred on it", left, right)
	}
}
