package volume

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validNIfTI1 returns the bytes of a small valid NIfTI-1 file (2×2×2 int16).
func validNIfTI1(t testing.TB) []byte {
	t.Helper()
	v := &Volume{Dims: []int{2, 2, 2}, Spacing: []float64{1, 1, 1}, Affine: identity(),
		Data: []float32{1, 2, 3, 4, 5, 6, 7, 8}}
	path := filepath.Join(t.TempDir(), "valid.nii")
	if err := NewNIfTIWriter(v).Datatype(Int16).Write(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestReadErrors checks that bad input gives an error naming the file and the problem, never a panic.
func TestReadErrors(t *testing.T) {
	valid := validNIfTI1(t)
	le := binary.LittleEndian
	patched := func(patch func(b []byte)) []byte {
		b := bytes.Clone(valid)
		patch(b)
		return b
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name, file string
		content    []byte // nil: the file is not created
		wantErr    string
	}{
		{"missing", "missing.nii", nil, "no such file"},
		{"unknown extension", "image.png", []byte("x"), "unknown file type"},
		{"empty", "empty.nii", []byte{}, "header truncated"},
		{"truncated header", "short.nii", valid[:200], "header truncated"},
		{"wrong sizeof_hdr", "bad.nii", patched(func(b []byte) { le.PutUint32(b, 349) }), "not a NIfTI file"},
		{"wrong magic", "magic.nii", patched(func(b []byte) { copy(b[344:], "abcd") }), "magic"},
		{"unknown datatype", "dt.nii", patched(func(b []byte) { le.PutUint16(b[70:], 3) }), "unknown datatype"},
		{"RGB datatype", "rgb.nii", patched(func(b []byte) { le.PutUint16(b[70:], 128) }), "RGB24"},
		{"negative dim", "neg.nii", patched(func(b []byte) { le.PutUint16(b[42:], 0xffff) }), "dim[1] = -1"},
		{"dim[0] out of range", "ndim.nii", patched(func(b []byte) { le.PutUint16(b[40:], 9) }), "dim[0] = 9"},
		{"huge dims", "huge.nii", patched(func(b []byte) {
			le.PutUint16(b[40:], 7)
			for i := 1; i <= 7; i++ {
				le.PutUint16(b[40+2*i:], 32767)
			}
		}), "more than"},
		{"dims larger than data", "big.nii", patched(func(b []byte) { le.PutUint16(b[42:], 3) }), "truncated"},
		{"truncated gzip data", "big.nii.gz", gz(valid[:len(valid)-3]), "truncated"},
		{"vox_offset past end", "off.nii", patched(func(b []byte) {
			le.PutUint32(b[108:], math.Float32bits(4096))
		}), "vox_offset"},
		{"NaN intercept", "nan.nii", patched(func(b []byte) {
			le.PutUint32(b[112:], math.Float32bits(2))
			le.PutUint32(b[116:], math.Float32bits(float32(math.NaN())))
		}), "scl_inter"},
		{"bad quaternion", "quat.nii", patched(func(b []byte) {
			le.PutUint16(b[252:], 1) // qform_code
			le.PutUint16(b[254:], 0) // sform_code
			le.PutUint32(b[256:], math.Float32bits(2))
		}), "unit quaternion"},
		{"meta without data file", "a.mhd", []byte("NDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\n" +
			"ElementDataFile = a.raw\n"), "a.raw"},
		{"meta bad element type", "b.mha", []byte("NDims = 2\nDimSize = 2 2\nElementType = MET_STRING\n" +
			"ElementDataFile = LOCAL\n"), "ElementType"},
		{"meta dims mismatch", "c.mha", []byte("NDims = 3\nDimSize = 2 2\nElementType = MET_UCHAR\n" +
			"ElementDataFile = LOCAL\n"), "DimSize"},
		{"meta truncated data", "d.mha", []byte("NDims = 2\nDimSize = 2 2\nElementType = MET_SHORT\n" +
			"ElementDataFile = LOCAL\n\x01\x02\x03"), "truncated"},
		{"meta huge dims", "e.mha", []byte("NDims = 3\nDimSize = 100000 100000 100000\nElementType = MET_UCHAR\n" +
			"ElementDataFile = LOCAL\n"), "more than"},
		{"meta no data file line", "f.mha", []byte("NDims = 2\nDimSize = 2 2\n"), "ElementDataFile"},
		{"meta bad compressed data", "g.mha", []byte("NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\n" +
			"CompressedData = True\nElementDataFile = LOCAL\nnot zlib"), "compressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			v, err := ReadVolume(path)
			if err == nil {
				t.Fatalf("read %s: got dims %v, want an error about %q", tc.file, v.Dims, tc.wantErr)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to name %s and contain %q", err, path, tc.wantErr)
			}
		})
	}
}

// TestMetaImageVariants reads hand-written MetaImages covering big-endian data, inline zlib data, HeaderSize,
// Position/Orientation synonyms and a 4D volume.
func TestMetaImageVariants(t *testing.T) {
	dir := t.TempDir()
	shorts := []int16{-2, -1, 0, 1, 300, -300, 32767, -32768}
	be, le := new(bytes.Buffer), new(bytes.Buffer)
	binary.Write(be, binary.BigEndian, shorts)
	binary.Write(le, binary.LittleEndian, shorts)
	var zbuf bytes.Buffer
	zw := zlib.NewWriter(&zbuf)
	zw.Write(le.Bytes())
	zw.Close()
	os.WriteFile(filepath.Join(dir, "data.raw"), append([]byte("JUNKJUNK"), be.Bytes()...), 0o644)
	wantFloats := make([]float32, len(shorts))
	for i, s := range shorts {
		wantFloats[i] = float32(s)
	}
	for _, tc := range []struct {
		name, header string
		payload      []byte
		dims         []int
		affine       [4][4]float64
	}{
		{"big-endian external with HeaderSize", "NDims = 3\nDimSize = 2 2 2\nElementType = MET_SHORT\n" +
			"BinaryDataByteOrderMSB = True\nHeaderSize = 8\nElementSpacing = 1 2 3\nElementDataFile = data.raw\n",
			nil, []int{2, 2, 2}, [4][4]float64{{-1, 0, 0, 0}, {0, -2, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}}},
		{"HeaderSize -1", "NDims = 3\nDimSize = 2 2 2\nElementType = MET_SHORT\nElementByteOrderMSB = True\n" +
			"HeaderSize = -1\nElementDataFile = data.raw\n",
			nil, []int{2, 2, 2}, [4][4]float64{{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}},
		{"inline zlib, Position and Orientation", "ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\n" +
			"ElementType = MET_SHORT\nCompressedData = True\nPosition = 1 2 3\nOrientation = 0 1 0 -1 0 0 0 0 1\n" +
			"ElementDataFile = LOCAL\n", zbuf.Bytes(), []int{2, 2, 2},
			[4][4]float64{{0, 1, 0, -1}, {-1, 0, 0, -2}, {0, 0, 1, 3}, {0, 0, 0, 1}}},
		{"4D", "NDims = 4\nDimSize = 2 2 1 2\nElementType = MET_SHORT\nElementDataFile = LOCAL\n", le.Bytes(),
			[]int{2, 2, 1, 2}, [4][4]float64{{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".mha")
			if err := os.WriteFile(path, append([]byte(tc.header), tc.payload...), 0o644); err != nil {
				t.Fatal(err)
			}
			v, err := ReadVolume(path)
			if err != nil {
				t.Fatal(err)
			}
			checkSameVolume(t, v, &Volume{Dims: tc.dims, Data: wantFloats, Affine: tc.affine}, 1e-12)
		})
	}
}
