package volume

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestHeaderInfo writes a tagged volume in each format and reads the tag and the data files back from the
// header alone.
func TestHeaderInfo(t *testing.T) {
	dir := t.TempDir()
	v := &Volume{Dims: []int{2, 2, 2}, Spacing: []float64{1, 1, 1}, Affine: identity(), Data: make([]float32, 8)}
	const tag = "labels by a tagging program"
	for _, tc := range []struct {
		name      string
		write     func(path string) error
		dataFiles []string
	}{
		{"a.nii.gz", NewNIfTIWriter(v).Description(tag).Write, nil},
		{"b.nii", NewNIfTIWriter(v).Version(2).Description(tag).Write, nil},
		{"c.mha", NewMetaImageWriter(v).Comment(tag).Write, nil},
		{"d.mhd", NewMetaImageWriter(v).Comment(tag).Compress(true).Write, []string{filepath.Join(dir, "d.zraw")}},
	} {
		path := filepath.Join(dir, tc.name)
		if err := tc.write(path); err != nil {
			t.Fatal(err)
		}
		info, err := ReadHeaderInfo(path)
		if err != nil || info.Description != tag || !slices.Equal(info.DataFiles, tc.dataFiles) {
			t.Errorf("%s: %+v, %v; want %q and data files %v", tc.name, info, err, tag, tc.dataFiles)
		}
		if _, err := ReadVolume(path); err != nil {
			t.Errorf("%s: tagged file unreadable: %v", tc.name, err)
		}
	}
	if err := NewNIfTIWriter(v).Description(string(make([]byte, 80))).Write(filepath.Join(dir, "long.nii")); err == nil {
		t.Error("an 80-byte description was written")
	}
	if err := NewMetaImageWriter(v).Comment("two\nlines").Write(filepath.Join(dir, "two.mha")); err == nil {
		t.Error("a two-line comment was written")
	}
}
