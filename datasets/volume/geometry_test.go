package volume

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDegenerateGeometry reads files whose geometry is broken: a singular sform falls back to the qform, and is
// refused without one; a NaN pixdim and a singular MetaImage TransformMatrix are refused. Before, the first gave
// axes "LP?" and a voxel volume of 0, the second a spacing of NaN.
func TestDegenerateGeometry(t *testing.T) {
	valid := validNIfTI1(t) // Identity affine, as sform and qform.
	le := binary.LittleEndian
	singularSform := func(qformCode uint16) []byte {
		b := bytes.Clone(valid)
		for j := range 4 { // Third row of the sform: zeros.
			le.PutUint32(b[280+32+4*j:], math.Float32bits(0))
		}
		le.PutUint16(b[252:], qformCode)
		return b
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "fallback.nii")
	if err := os.WriteFile(path, singularSform(2), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := ReadVolume(path)
	if err != nil {
		t.Fatalf("singular sform with a valid qform: %v", err)
	}
	checkAffine(t, v.Affine, identity(), 1e-6)
	if err := v.CheckGeometry(); err != nil || v.AxisCodes() != "RAS" {
		t.Errorf("fallen back to the qform: %v, axes %s", err, v.AxisCodes())
	}

	nanPixdim := bytes.Clone(valid)
	le.PutUint32(nanPixdim[80:], math.Float32bits(float32(math.NaN())))
	for _, tc := range []struct {
		name, file string
		content    []byte
		wantErr    string
	}{
		{"singular sform without qform", "sform.nii", singularSform(0), "no qform"},
		{"NaN pixdim", "pixdim.nii", nanPixdim, "pixdim[1] = NaN"},
		{"singular TransformMatrix", "m.mha", []byte("NDims = 3\nDimSize = 2 1 1\nElementType = MET_UCHAR\n" +
			"TransformMatrix = 1 0 0 1 0 0 0 0 1\nElementDataFile = LOCAL\n\x01\x02"), "singular"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			v, err := ReadVolume(path)
			if err == nil {
				t.Fatalf("read with spacing %v, axes %s: want an error about %q", v.Spacing, v.AxisCodes(), tc.wantErr)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to name %s and contain %q", err, path, tc.wantErr)
			}
		})
	}

	inMemory := &Volume{Dims: []int{2, 2, 2}, Spacing: []float64{1, 1, 1}, Data: make([]float32, 8)}
	if err := inMemory.CheckGeometry(); err == nil || !strings.Contains(err.Error(), "singular") {
		t.Errorf("zero affine: %v, want singular", err)
	}
}
