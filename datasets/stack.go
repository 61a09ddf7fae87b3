package datasets

import "fmt"

// Stack is one case as a stack of prepared axial slices, the common form from which both the phantom and the
// prostate loader cut their [Sample]s.
type Stack struct {
	Site, Case string
	Size       int       // Height and width of every slice.
	Slices     int       // Number of axial slices.
	Image      []float32 // Slices·Size·Size intensities, slice-major, then row-major (z, y, x).
	Mask       []int32   // Slices·Size·Size class ids, same layout as Image.

	PixelSpacingMM [2]float64 // In-plane spacing (row, column) in mm.
	SliceSpacingMM float64    // Distance between adjacent slices in mm.
}

// Validate reports whether the stack's buffers agree with its declared shape.
func (st *Stack) Validate() error {
	if st.Size <= 0 || st.Slices <= 0 {
		return fmt.Errorf("stack %s/%s: invalid shape size=%d slices=%d", st.Site, st.Case, st.Size, st.Slices)
	}
	want := st.Slices * st.Size * st.Size
	if len(st.Image) != want || len(st.Mask) != want {
		return fmt.Errorf("stack %s/%s: image has %d and mask %d values, want %d (%d slices of %d×%d)",
			st.Site, st.Case, len(st.Image), len(st.Mask), want, st.Slices, st.Size, st.Size)
	}
	return nil
}

// HasForeground reports whether slice z contains any labelled pixel.
func (st *Stack) HasForeground(z int) bool {
	plane := st.Size * st.Size
	for _, label := range st.Mask[z*plane : (z+1)*plane] {
		if label != 0 {
			return true
		}
	}
	return false
}

// Samples cuts the stack into one Sample per axial slice. channels is 1 for plain 2D input or an odd 2k+1 for
// 2.5D input, where the channels are slices z-k..z+k (the centre one is channel k) and slices beyond the ends of
// the stack are replaced by the nearest end slice. With onlyForeground, slices without any labelled pixel are
// skipped (their neighbours are still used as context channels).
func (st *Stack) Samples(channels int, onlyForeground bool) ([]Sample, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	if channels < 1 || channels%2 == 0 {
		return nil, fmt.Errorf("stack %s/%s: channels must be 1 or an odd 2k+1 for 2.5D input, got %d",
			st.Site, st.Case, channels)
	}
	plane := st.Size * st.Size
	half := channels / 2
	samples := make([]Sample, 0, st.Slices)
	for z := range st.Slices {
		if onlyForeground && !st.HasForeground(z) {
			continue
		}
		image := make([]float32, plane*channels)
		for c := range channels {
			src := min(max(z+c-half, 0), st.Slices-1)
			for i, v := range st.Image[src*plane : (src+1)*plane] {
				image[i*channels+c] = v
			}
		}
		mask := make([]int32, plane)
		copy(mask, st.Mask[z*plane:(z+1)*plane])
		samples = append(samples, Sample{
			Image: image, Mask: mask, Size: st.Size, Channels: channels,
			Site: st.Site, Case: st.Case, Index: z,
			PixelSpacingMM: st.PixelSpacingMM, SliceSpacingMM: st.SliceSpacingMM,
		})
	}
	return samples, nil
}

// SamplesOf cuts every stack into samples (see [Stack.Samples]), case after case in the stacks' order.
func SamplesOf(stacks []*Stack, channels int, onlyForeground bool) ([]Sample, error) {
	var samples []Sample
	for _, st := range stacks {
		caseSamples, err := st.Samples(channels, onlyForeground)
		if err != nil {
			return nil, err
		}
		samples = append(samples, caseSamples...)
	}
	return samples, nil
}
