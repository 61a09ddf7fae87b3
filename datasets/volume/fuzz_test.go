package volume

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
)

// checkDecoded asserts the invariants every successfully decoded volume must satisfy.
func checkDecoded(t *testing.T, v *Volume) {
	if err := v.Validate(); err != nil {
		t.Fatalf("decoded an inconsistent volume: %v", err)
	}
	if err := v.CheckGeometry(); err != nil {
		t.Fatalf("decoded a volume with a degenerate grid: %v", err)
	}
	c := v.Canonical()
	if err := c.Validate(); err != nil {
		t.Fatalf("Canonical gave an inconsistent volume: %v", err)
	}
}

// FuzzDecodeNIfTI feeds arbitrary bytes to the NIfTI decoder (header and data): it must return an error or a
// consistent volume, never panic or allocate without bound. The seed corpus is in testdata/fuzz/FuzzDecodeNIfTI.
func FuzzDecodeNIfTI(f *testing.F) {
	f.Add(validNIfTI1(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		noPair := func() (io.Reader, func(), error) { return nil, nil, errors.New("no .img in fuzzing") }
		v, err := decodeNIfTI("fuzz.nii", bytes.NewReader(data), noPair)
		if err == nil {
			checkDecoded(t, v)
		}
	})
}

// FuzzDecodeMetaImage feeds arbitrary bytes to the MetaImage decoder with LOCAL data (external files are
// refused). The seed corpus is in testdata/fuzz/FuzzDecodeMetaImage.
func FuzzDecodeMetaImage(f *testing.F) {
	f.Add([]byte("NDims = 3\nDimSize = 2 1 1\nElementType = MET_SHORT\nElementDataFile = LOCAL\n\x01\x00\x02\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		noFile := func(string) (io.ReadSeekCloser, error) { return nil, errors.New("no external files in fuzzing") }
		v, err := decodeMetaImage("fuzz.mha", bufio.NewReader(bytes.NewReader(data)), noFile)
		if err == nil {
			checkDecoded(t, v)
		}
	})
}
