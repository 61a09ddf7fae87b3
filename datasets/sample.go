package datasets

import (
	"fmt"
	"strings"
)

// Sample is one 2D axial slice with its mask, resampled to Size×Size and normalised, ready to train on.
//
// Image is row-major (y, then x), channels last: Image[(y*Size+x)*Channels+c]. With 2.5D input the channels are
// the adjacent slices (the centre slice is channel Channels/2). Displayed as stored, row 0 is anterior and
// column 0 is the patient's right (radiological convention).
type Sample struct {
	Image    []float32 // Size·Size·Channels intensities, normalised.
	Mask     []int32   // Size·Size class ids: 0 background, 1 prostate.
	Size     int       // Height and width in pixels.
	Channels int       // Input channels (1, or 2k+1 for 2.5D).

	Site  string // Acquisition site (hospital, or virtual phantom site), e.g. "BIDMC" or "site0".
	Case  string // Case identifier, unique within the site; a case's slices never straddle splits.
	Index int    // Slice index within the case's volume (axial position).

	// PixelSpacingMM is the in-plane spacing (row, column) in mm after resampling to Size×Size;
	// SliceSpacingMM the distance between adjacent slices. Metrics in mm (HD95) use them.
	PixelSpacingMM [2]float64
	SliceSpacingMM float64
}

// Validate reports whether the sample's buffers agree with its declared shape.
func (s *Sample) Validate() error {
	if s.Size <= 0 || s.Channels <= 0 {
		return fmt.Errorf("sample %s/%s#%d: invalid shape size=%d channels=%d", s.Site, s.Case, s.Index, s.Size, s.Channels)
	}
	if want := s.Size * s.Size * s.Channels; len(s.Image) != want {
		return fmt.Errorf("sample %s/%s#%d: image has %d values, want %d (%d×%d×%d)", s.Site, s.Case, s.Index,
			len(s.Image), want, s.Size, s.Size, s.Channels)
	}
	if want := s.Size * s.Size; len(s.Mask) != want {
		return fmt.Errorf("sample %s/%s#%d: mask has %d values, want %d", s.Site, s.Case, s.Index, len(s.Mask), want)
	}
	return nil
}

// CaseKey identifies a case across sites ("site/case").
func (s *Sample) CaseKey() string { return s.Site + "/" + s.Case }

// SiteOfCaseKey returns the site of a CaseKey (the text before its first "/"; all of it without one).
func SiteOfCaseKey(key string) string {
	site, _, _ := strings.Cut(key, "/")
	return site
}
