package volume

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// typeExtremes returns values each datatype holds exactly and that float32 represents exactly, including the
// type's extremes (or the nearest float32 inside them), so every byte of the encoding is exercised.
func typeExtremes(dt Datatype) []float32 {
	switch dt {
	case Uint8:
		return []float32{0, 1, 127, 128, 255}
	case Int8:
		return []float32{-128, -1, 0, 1, 127}
	case Int16:
		return []float32{-32768, -257, -1, 0, 258, 32767}
	case Uint16:
		return []float32{0, 1, 256, 40000, 65535}
	case Int32:
		return []float32{-2147483648, -65537, -1, 0, 16777216, 2147483520}
	case Uint32:
		return []float32{0, 1, 65536, 3e9, 4294967040}
	case Int64:
		return []float32{-9223372036854775808, -1 << 40, -1, 0, 1 << 33, 9223371487098961920}
	case Uint64:
		return []float32{0, 1, 1 << 40, 18446742974197923840}
	case Float32:
		return []float32{-math.MaxFloat32, -1.5, 0, math.SmallestNonzeroFloat32, 3.25, math.MaxFloat32}
	case Float64:
		return []float32{-1e30, -0.125, 0, 1e-30, 7.5, 1e30}
	}
	panic(dt)
}

// testVolume returns a 4×3×2×2 volume cycling through values, with an oblique, flipped affine.
func testVolume(values []float32) *Volume {
	v := &Volume{Dims: []int{4, 3, 2, 2}, Spacing: []float64{0.5, 1.25, 3, 2}}
	v.Data = make([]float32, 4*3*2*2)
	for i := range v.Data {
		v.Data[i] = values[(i*7)%len(values)]
	}
	c, s := math.Cos(0.3), math.Sin(0.3)
	v.Affine = [4][4]float64{{-0.5 * c, -1.25 * s, 0, 12.5}, {0.5 * s, -1.25 * c, 0, -7.25}, {0, 0, 3, 40},
		{0, 0, 0, 1}}
	return v
}

// TestNIfTIRoundTrip writes and reads back every datatype in both byte orders, NIfTI-1 and 2, plain and gzip.
func TestNIfTIRoundTrip(t *testing.T) {
	dir := t.TempDir()
	orders := map[string]binary.ByteOrder{"le": binary.LittleEndian, "be": binary.BigEndian}
	for _, dt := range Datatypes {
		for orderName, order := range orders {
			for _, version := range []int{1, 2} {
				for _, ext := range []string{".nii", ".nii.gz"} {
					name := fmt.Sprintf("%s_%s_v%d%s", dt, orderName, version, ext)
					t.Run(name, func(t *testing.T) {
						want := testVolume(typeExtremes(dt))
						path := filepath.Join(dir, name)
						err := NewNIfTIWriter(want).Datatype(dt).ByteOrder(order).Version(version).Write(path)
						if err != nil {
							t.Fatal(err)
						}
						got, err := ReadVolume(path)
						if err != nil {
							t.Fatal(err)
						}
						checkSameVolume(t, got, want, 1e-6)
					})
				}
			}
		}
	}
}

func checkSameVolume(t *testing.T, got, want *Volume, affineTol float64) {
	t.Helper()
	if !slices.Equal(got.Dims, want.Dims) {
		t.Fatalf("dims %v, want %v", got.Dims, want.Dims)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("voxel %d = %g, want %g", i, got.Data[i], want.Data[i])
		}
	}
	for i := range want.Spacing {
		if !closeRel(got.Spacing[i], want.Spacing[i], 1e-6) {
			t.Errorf("spacing %v, want %v", got.Spacing, want.Spacing)
		}
	}
	checkAffine(t, got.Affine, want.Affine, affineTol)
}

// TestNIfTIScaling stores values through scl_slope/scl_inter into int16 and checks they come back.
func TestNIfTIScaling(t *testing.T) {
	want := testVolume([]float32{-100, 9.5, 10, 10.5, 1000.25})
	path := filepath.Join(t.TempDir(), "scaled.nii")
	if err := NewNIfTIWriter(want).Datatype(Int16).Scaling(0.25, 10).Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadVolume(path)
	if err != nil {
		t.Fatal(err)
	}
	checkSameVolume(t, got, want, 1e-6)
	if err := NewNIfTIWriter(want).Datatype(Int16).Scaling(0.001, 0).Write(path); err == nil {
		t.Error("writing 1000.25 as int16 with slope 0.001 succeeded, want an out-of-range error")
	}
}

// TestNIfTIAffineCodes checks the qform path (quaternion, qfac), the sform path and the pixdim fallback.
func TestNIfTIAffineCodes(t *testing.T) {
	dir := t.TempDir()
	want := testVolume([]float32{1, 2, 3})
	for _, tc := range []struct {
		name           string
		version        int
		qform, sform   int
		tol            float64
		mirrorAffineZ  bool
		expectFallback bool
	}{
		{name: "qform-only-v1", version: 1, qform: XFormScanner, tol: 1e-5},
		{name: "qform-only-v2", version: 2, qform: XFormScanner, tol: 1e-12},
		{name: "qform-negative-qfac", version: 2, qform: XFormScanner, tol: 1e-12, mirrorAffineZ: true},
		{name: "sform-only", version: 1, sform: XFormAligned, tol: 1e-5},
		{name: "neither", version: 1, expectFallback: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := want.Clone()
			if tc.mirrorAffineZ {
				v.Affine[2][2] = -v.Affine[2][2]
			}
			path := filepath.Join(dir, tc.name+".nii")
			if err := NewNIfTIWriter(v).Version(tc.version).TransformCodes(tc.qform, tc.sform).Write(path); err != nil {
				t.Fatal(err)
			}
			got, err := ReadVolume(path)
			if err != nil {
				t.Fatal(err)
			}
			wantAffine := v.Affine
			if tc.expectFallback {
				// nibabel's get_base_affine: diag(-sx, sy, sz), origin at the volume centre.
				wantAffine = [4][4]float64{{-0.5, 0, 0, 0.75}, {0, 1.25, 0, -1.25}, {0, 0, 3, -1.5}, {0, 0, 0, 1}}
			}
			checkAffine(t, got.Affine, wantAffine, max(tc.tol, 1e-6))
		})
	}
}

// TestBaseAffineNibabelExample checks the fallback affine against the example in nibabel's get_base_affine
// documentation (shape (3, 5, 7), zooms (3, 2, 1)).
func TestBaseAffineNibabelExample(t *testing.T) {
	h := &niftiHeader{dims: []int{3, 5, 7}, pixdim: [8]float64{1, 3, 2, 1}}
	want := [4][4]float64{{-3, 0, 0, 3}, {0, 2, 0, -4}, {0, 0, 1, -3}, {0, 0, 0, 1}}
	checkAffine(t, h.baseAffine(), want, 0)
}

// TestNIfTIPair splits written single files into .hdr/.img pairs (magic "ni1"/"ni2", vox_offset 0) and reads
// them back.
func TestNIfTIPair(t *testing.T) {
	dir := t.TempDir()
	want := testVolume(typeExtremes(Int16))
	for _, version := range []int{1, 2} {
		single := filepath.Join(dir, fmt.Sprintf("single%d.nii", version))
		if err := NewNIfTIWriter(want).Version(version).Datatype(Int16).Write(single); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(single)
		if err != nil {
			t.Fatal(err)
		}
		header := bytes.Clone(raw[:nifti1HeaderSize])
		if version == 1 {
			copy(header[344:], "ni1\x00")
			binary.LittleEndian.PutUint32(header[108:], math.Float32bits(0))
		} else {
			header = bytes.Clone(raw[:nifti2HeaderSize])
			copy(header[4:], "ni2\x00")
			binary.LittleEndian.PutUint64(header[168:], 0)
		}
		hdr := filepath.Join(dir, fmt.Sprintf("pair%d.hdr", version))
		if err := os.WriteFile(hdr, header, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pairImagePath(hdr), raw[len(header)+extensionFlag:], 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadVolume(hdr)
		if err != nil {
			t.Fatal(err)
		}
		checkSameVolume(t, got, want, 1e-5)
	}
}
