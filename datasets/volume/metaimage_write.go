package volume

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// metaWriteTypes names each datatype's MetaImage element type for writing (MET_INT, not the ambiguous MET_LONG).
var metaWriteTypes = map[Datatype]string{
	Uint8: "MET_UCHAR", Int8: "MET_CHAR", Int16: "MET_SHORT", Uint16: "MET_USHORT", Int32: "MET_INT",
	Uint32: "MET_UINT", Int64: "MET_LONG_LONG", Uint64: "MET_ULONG_LONG", Float32: "MET_FLOAT", Float64: "MET_DOUBLE",
}

// MetaImageWriter writes a [Volume] as MetaImage: a single ".mha" file, or a ".mhd" header with its voxels in a
// ".raw" (".zraw" when compressed) file beside it. Create it with [NewMetaImageWriter], configure it with its
// builder methods, then call [MetaImageWriter.Write].
//
// By default it writes float32 voxels, little-endian, uncompressed. The affine is stored as MetaImage's LPS
// Offset, ElementSpacing and TransformMatrix, which the reader turns back into the same RAS+ affine (to rounding
// of the last bit).
type MetaImageWriter struct {
	vol      *Volume
	datatype Datatype
	compress bool
	comment  string
}

// NewMetaImageWriter returns a writer for v with the default configuration.
func NewMetaImageWriter(v *Volume) *MetaImageWriter {
	return &MetaImageWriter{vol: v, datatype: Float32}
}

// Datatype selects the voxel storage type. Integer types round values (half to even) and Write fails on values
// they cannot hold.
func (w *MetaImageWriter) Datatype(dt Datatype) *MetaImageWriter {
	w.datatype = dt
	return w
}

// Compress stores the voxels zlib-compressed (CompressedData = True).
func (w *MetaImageWriter) Compress(compress bool) *MetaImageWriter {
	w.compress = compress
	return w
}

// Comment sets the header's Comment line (one line of text), which [ReadHeaderDescription] reads back; programs
// tag the files they write with it.
func (w *MetaImageWriter) Comment(text string) *MetaImageWriter {
	w.comment = text
	return w
}

// Write writes the volume to path (".mha", or ".mhd" with its data file beside it). Files are written in place:
// callers wanting atomicity write to a temporary name and rename (a ".mhd" names its data file, which must keep
// its name).
func (w *MetaImageWriter) Write(path string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("volume: writing MetaImage %s: %w", path, err)
		}
	}()
	lower := strings.ToLower(path)
	local := strings.HasSuffix(lower, ".mha")
	if !local && !strings.HasSuffix(lower, ".mhd") {
		return fmt.Errorf("file name must end in .mha or .mhd")
	}
	v := w.vol
	if err := v.Validate(); err != nil {
		return err
	}
	if err := w.datatype.check(); err != nil {
		return err
	}
	if strings.ContainsAny(w.comment, "\r\n") {
		return fmt.Errorf("comment %q spans several lines", w.comment)
	}
	data, err := encodeVoxels(v.Data, w.datatype, binary.LittleEndian, 1, 0)
	if err != nil {
		return err
	}
	if w.compress {
		var b strings.Builder
		zw := zlib.NewWriter(&b)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		data = []byte(b.String())
	}
	dataFile := "LOCAL"
	if !local {
		ext := ".raw"
		if w.compress {
			ext = ".zraw"
		}
		base := filepath.Base(path)
		dataFile = base[:len(base)-len(".mhd")] + ext
		if err := writeFile(filepath.Join(filepath.Dir(path), dataFile), data); err != nil {
			return err
		}
	}
	header := w.header(dataFile, len(data))
	if local {
		return writeFile(path, append([]byte(header), data...))
	}
	return writeFile(path, []byte(header))
}

// header returns the text header, ElementDataFile last.
func (w *MetaImageWriter) header(dataFile string, compressedSize int) string {
	v := w.vol
	ndims := len(v.Dims)
	numbers := func(values ...float64) string {
		parts := make([]string, len(values))
		for i, x := range values {
			parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strings.Join(parts, " ")
	}
	// MetaImage world coordinates are LPS: negate the affine's x and y rows. Axes beyond the third get identity
	// directions and zero offsets.
	lps := v.Affine
	for i := range 2 {
		for j := range 4 {
			lps[i][j] = -lps[i][j]
		}
	}
	matrix := make([]float64, ndims*ndims)
	origin := make([]float64, ndims)
	for axis := range ndims {
		for i := range ndims {
			switch {
			case axis < 3 && i < 3:
				matrix[axis*ndims+i] = lps[i][axis] / v.Spacing[axis]
			case axis == i:
				matrix[axis*ndims+i] = 1
			}
		}
		if axis < 3 {
			origin[axis] = lps[axis][3]
		}
	}
	dims := make([]float64, ndims)
	for i, d := range v.Dims {
		dims[i] = float64(d)
	}
	var b strings.Builder
	b.WriteString("ObjectType = Image\n")
	if w.comment != "" {
		fmt.Fprintf(&b, "Comment = %s\n", w.comment)
	}
	fmt.Fprintf(&b, "NDims = %d\nBinaryData = True\nBinaryDataByteOrderMSB = False\n", ndims)
	if w.compress {
		fmt.Fprintf(&b, "CompressedData = True\nCompressedDataSize = %d\n", compressedSize)
	} else {
		b.WriteString("CompressedData = False\n")
	}
	fmt.Fprintf(&b, "TransformMatrix = %s\nOffset = %s\nElementSpacing = %s\nDimSize = %s\nElementType = %s\n"+
		"ElementDataFile = %s\n", numbers(matrix...), numbers(origin...), numbers(v.Spacing...), numbers(dims...),
		metaWriteTypes[w.datatype], dataFile)
	return b.String()
}

// writeFile creates path holding data.
func writeFile(path string, data []byte) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if _, err := io.Copy(bw, strings.NewReader(string(data))); err != nil {
		return err
	}
	return bw.Flush()
}
