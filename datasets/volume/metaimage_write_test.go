package volume

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
)

// TestMetaImageWriteRoundTrip writes every datatype as .mha and .mhd, plain and compressed, and reads each back:
// same dims, spacing, voxels and (to the last bits) affine.
func TestMetaImageWriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, dt := range Datatypes {
		for _, ext := range []string{".mha", ".mhd"} {
			for _, compress := range []bool{false, true} {
				name := fmt.Sprintf("%s-%v%s", dt, compress, ext)
				t.Run(name, func(t *testing.T) {
					v := testVolume(typeExtremes(dt))
					path := filepath.Join(dir, name)
					if err := NewMetaImageWriter(v).Datatype(dt).Compress(compress).Write(path); err != nil {
						t.Fatal(err)
					}
					got, err := ReadVolume(path)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got.Dims, v.Dims) || !slices.Equal(got.Spacing, v.Spacing) {
						t.Errorf("dims %v spacing %v, want %v %v", got.Dims, got.Spacing, v.Dims, v.Spacing)
					}
					if !slices.Equal(got.Data, v.Data) {
						t.Errorf("voxels differ: %v, want %v", got.Data[:8], v.Data[:8])
					}
					for i := range 4 {
						for j := range 4 {
							if math.Abs(got.Affine[i][j]-v.Affine[i][j]) > 1e-12 {
								t.Fatalf("affine %v, want %v", got.Affine, v.Affine)
							}
						}
					}
				})
			}
		}
	}
}

// TestMetaImageWriteErrors checks that a wrong extension and a value the datatype cannot hold are refused.
func TestMetaImageWriteErrors(t *testing.T) {
	dir := t.TempDir()
	v := testVolume([]float32{0, 1, 300})
	if err := NewMetaImageWriter(v).Write(filepath.Join(dir, "x.nii")); err == nil {
		t.Error("wrote MetaImage to a .nii name")
	}
	if err := NewMetaImageWriter(v).Datatype(Uint8).Write(filepath.Join(dir, "x.mha")); err == nil {
		t.Error("wrote 300 as uint8")
	}
}
