package golden

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images under testdata instead of comparing with them")

// Tolerance bounds how far a render may drift from its reference (different zlib or font rasteriser versions,
// float rounding) before a test fails.
type Tolerance struct {
	MaxChannelDiff uint8   // A pixel differs when one of its 8-bit channels differs by more than this.
	MaxFraction    float64 // The test fails when more than this fraction of pixels differ.
}

// Default tolerates off-by-a-few rounding on up to 0.5% of the pixels.
var Default = Tolerance{MaxChannelDiff: 3, MaxFraction: 0.005}

// Check compares got with testdata/<name>.png (rewriting it under -update). On mismatch it writes got beside the
// test's temporary files and reports where, so the difference can be looked at.
func Check(t testing.TB, name string, got image.Image, tol Tolerance) {
	t.Helper()
	path := filepath.Join("testdata", name+".png")
	if *update {
		if err := writePNG(path, got); err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		t.Logf("golden %s: rewrote %s", name, path)
		return
	}
	want, err := readPNG(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", name, err)
	}
	if diff := Compare(got, want, tol); diff != nil {
		gotPath := filepath.Join(t.TempDir(), name+".got.png")
		if werr := writePNG(gotPath, got); werr != nil {
			t.Logf("golden %s: could not save the render: %v", name, werr)
		}
		t.Errorf("golden %s: %v; render saved to %s", name, diff, gotPath)
	}
}

// Compare returns nil when got matches want within tol, else an error describing the difference.
func Compare(got, want image.Image, tol Tolerance) error {
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Dx() != wb.Dx() || gb.Dy() != wb.Dy() {
		return fmt.Errorf("size %dx%d, want %dx%d", gb.Dx(), gb.Dy(), wb.Dx(), wb.Dy())
	}
	differing := 0
	for y := range gb.Dy() {
		for x := range gb.Dx() {
			g := color.NRGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y)).(color.NRGBA)
			w := color.NRGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.NRGBA)
			if channelDiff(g, w) > tol.MaxChannelDiff {
				differing++
			}
		}
	}
	if frac := float64(differing) / float64(gb.Dx()*gb.Dy()); frac > tol.MaxFraction {
		return fmt.Errorf("%d of %d pixels (%.2f%%) differ by more than %d levels, tolerance %.2f%%", differing,
			gb.Dx()*gb.Dy(), 100*frac, tol.MaxChannelDiff, 100*tol.MaxFraction)
	}
	return nil
}

func channelDiff(a, b color.NRGBA) uint8 {
	d := func(x, y uint8) uint8 { return max(x, y) - min(x, y) }
	return max(d(a.R, b.R), d(a.G, b.G), d(a.B, b.B), d(a.A, b.A))
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return img, nil
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return f.Close()
}
