package render

import (
	"fmt"

	"github.com/gokd/gokd/datasets"
)

// Slice is one 2D image: Height×Width intensities, row-major (row 0 anterior, column 0 the patient's right).
type Slice struct {
	Pixels        []float32
	Height, Width int
}

// Validate reports whether the pixel buffer agrees with the declared shape.
func (s Slice) Validate() error {
	if s.Height <= 0 || s.Width <= 0 {
		return fmt.Errorf("render: invalid slice shape %d×%d", s.Height, s.Width)
	}
	if len(s.Pixels) != s.Height*s.Width {
		return fmt.Errorf("render: slice has %d pixels, want %d (%d×%d)", len(s.Pixels), s.Height*s.Width,
			s.Height, s.Width)
	}
	return nil
}

// checkMask reports whether mask (named for the error message) covers the slice pixel for pixel.
func (s Slice) checkMask(name string, mask []int32) error {
	if len(mask) != s.Height*s.Width {
		return fmt.Errorf("render: mask %q has %d values, want %d (%d×%d slice)", name, len(mask),
			s.Height*s.Width, s.Height, s.Width)
	}
	return nil
}

// SampleSlice returns the centre channel of a sample (the slice itself, for 2.5D input) as a Slice. It shares
// no memory with the sample.
func SampleSlice(sample *datasets.Sample) (Slice, error) {
	if err := sample.Validate(); err != nil {
		return Slice{}, fmt.Errorf("render: %w", err)
	}
	n, channels, centre := sample.Size*sample.Size, sample.Channels, sample.Channels/2
	pixels := make([]float32, n)
	for i := range pixels {
		pixels[i] = sample.Image[i*channels+centre]
	}
	return Slice{Pixels: pixels, Height: sample.Size, Width: sample.Size}, nil
}
