package volume

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets/shared"
)

// TestNIfTIRealFiles reads real NIfTI files (mricron templates, nibabel test data: big-endian, NIfTI-2, 4D,
// scaled; an ITK example in LSA orientation; the prostate case) and compares them, and their Canonical
// reorientation, with nibabel's facts.
func TestNIfTIRealFiles(t *testing.T) {
	for name, want := range loadExpected(t).NIfTI {
		t.Run(name, func(t *testing.T) {
			path := want.resolve(t)
			v, err := ReadVolume(path)
			if err != nil {
				t.Fatal(err)
			}
			if v.Path != path {
				t.Errorf("Path %q, want %q", v.Path, path)
			}
			checkFacts(t, v, want)
			canonical := v.Canonical()
			if canonical.AxisCodes() != "LPS" {
				t.Errorf("Canonical axis codes %q, want LPS", canonical.AxisCodes())
			}
			checkFacts(t, canonical, want.Canonical)
		})
	}
}

// TestNIfTIHeaderOnly checks the affine of header-only pair files (their .img is not shipped) and that reading
// them fails naming the missing .img.
func TestNIfTIHeaderOnly(t *testing.T) {
	for name, want := range loadExpected(t).NIfTIHeaders {
		t.Run(name, func(t *testing.T) {
			path := want.resolve(t)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			h, err := parseNIfTIHeader(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !h.pairFile {
				t.Errorf("%s: header not recognised as a .hdr/.img pair", path)
			}
			dims, _ := padTo3(h.dims, make([]float64, len(h.dims)))
			if !slices.Equal(dims, want.Dims) {
				t.Errorf("dims %v, want %v", dims, want.Dims)
			}
			affine, err := h.affine()
			if err != nil {
				t.Fatal(err)
			}
			checkAffine(t, affine, want.Affine, 1e-6)
			_, err = ReadVolume(path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), ".img") {
				t.Errorf("reading %s without its .img: error %v, want one naming the file and the .img", path, err)
			}
		})
	}
}

// TestMetaImageRealFiles reads ITK's example MetaImages (raw, .zraw, inline compressed, rotated, offset) and
// compares them with an independent Python reader's facts.
func TestMetaImageRealFiles(t *testing.T) {
	expected := loadExpected(t)
	for name, want := range expected.MetaImage {
		t.Run(name, func(t *testing.T) {
			v, err := ReadVolume(want.resolve(t))
			if err != nil {
				t.Fatal(err)
			}
			checkFacts(t, v, want)
		})
	}
	for _, name := range expected.MetaImageRejected {
		t.Run(name, func(t *testing.T) {
			path := (&fileFacts{Location: "system", Path: filepath.Join(
				"/usr/share/doc/insighttoolkit5-examples/examples/Data", name)}).resolve(t)
			_, err := ReadVolume(path)
			if err == nil || !strings.Contains(err.Error(), "ElementNumberOfChannels") {
				t.Errorf("multi-channel %s: error %v, want one about ElementNumberOfChannels", path, err)
			}
		})
	}
}

// TestProstateCase checks the real prostate case against the reference facts in the task (nibabel sums), and
// that image and mask share a grid that Canonical keeps shared.
func TestProstateCase(t *testing.T) {
	imagePath, _, err := shared.RealCase(".")
	if err != nil {
		t.Skipf("prostate case not available (%v): it lives outside the repository, in ../shared/data", err)
	}
	dir := filepath.Dir(imagePath)
	image, err := ReadVolume(filepath.Join(dir, "Case00.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	mask, err := ReadVolume(filepath.Join(dir, "Case00_segmentation.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sum(image.Data); !closeRel(got, 222456708.865, 1e-8) {
		t.Errorf("image voxel sum %.3f, want 222456708.865", got)
	}
	if got := sum(mask.Data); got != 23629 {
		t.Errorf("mask voxel sum %g, want 23629", got)
	}
	if err := image.SameGrid(mask); err != nil {
		t.Errorf("image and mask: %v", err)
	}
	if err := image.Canonical().SameGrid(mask.Canonical()); err != nil {
		t.Errorf("canonical image and mask: %v", err)
	}
	shifted := mask.Clone()
	shifted.Affine[2][3] += 1
	if err := image.SameGrid(shifted); err == nil {
		t.Error("SameGrid accepted a mask shifted by 1 mm")
	}
}
