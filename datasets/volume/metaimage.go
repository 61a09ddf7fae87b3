package volume

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// metaElementTypes maps MetaImage element types to datatypes (MetaIO sizes: MET_LONG is 4 bytes).
var metaElementTypes = map[string]Datatype{
	"MET_UCHAR": Uint8, "MET_CHAR": Int8, "MET_SHORT": Int16, "MET_USHORT": Uint16,
	"MET_INT": Int32, "MET_UINT": Uint32, "MET_LONG": Int32, "MET_ULONG": Uint32,
	"MET_LONG_LONG": Int64, "MET_ULONG_LONG": Uint64, "MET_FLOAT": Float32, "MET_DOUBLE": Float64,
}

// maxMetaHeaderBytes bounds the text header, so that a binary file is not scanned forever for a line end.
const maxMetaHeaderBytes = 1 << 20

// metaHeader is a parsed MetaImage header.
type metaHeader struct {
	dims       []int
	datatype   Datatype
	order      binary.ByteOrder
	spacing    []float64
	origin     []float64
	direction  [][]float64 // direction[axis] is the unit vector of that voxel axis in LPS world coordinates
	compressed bool
	dataFile   string // "LOCAL" or a file name relative to the header
	headerSize int    // bytes to skip at the start of an external data file; -1: data is at its end
	comment    string // the Comment line, "" when absent
}

// parseMetaHeader reads "Key = Value" lines up to and including ElementDataFile, which must come last; r is then
// positioned at the first data byte of a LOCAL file. Keys are matched case-insensitively.
func parseMetaHeader(r *bufio.Reader) (*metaHeader, error) {
	fields := map[string]string{}
	read := 0
	for {
		line, err := r.ReadString('\n')
		read += len(line)
		if read > maxMetaHeaderBytes {
			return nil, fmt.Errorf("no ElementDataFile in the first %d bytes: not a MetaImage header",
				maxMetaHeaderBytes)
		}
		key, value, found := strings.Cut(line, "=")
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if found && key != "" {
			fields[key] = value
			if key == "elementdatafile" {
				break
			}
		} else if strings.TrimSpace(line) != "" {
			return nil, fmt.Errorf("bad header line %q (want Key = Value)", strings.TrimSpace(line))
		}
		if err != nil {
			return nil, fmt.Errorf("header ends without ElementDataFile: %w", err)
		}
	}
	return newMetaHeader(fields)
}

// newMetaHeader interprets the header fields.
func newMetaHeader(fields map[string]string) (*metaHeader, error) {
	h := &metaHeader{order: binary.LittleEndian, dataFile: fields["elementdatafile"], comment: fields["comment"]}
	ndims, err := strconv.Atoi(fields["ndims"])
	if err != nil || ndims < 1 || ndims > 7 {
		return nil, fmt.Errorf("NDims = %q, want 1…7", fields["ndims"])
	}
	dims, err := parseNumbers("DimSize", fields["dimsize"], ndims)
	if err != nil {
		return nil, err
	}
	for _, d := range dims {
		if d != math.Trunc(d) || d < 1 || d > maxVoxels {
			return nil, fmt.Errorf("DimSize = %q: sizes must be positive integers", fields["dimsize"])
		}
		h.dims = append(h.dims, int(d))
	}
	if _, err := voxelCount(h.dims); err != nil {
		return nil, fmt.Errorf("DimSize: %w", err)
	}
	elementType := strings.ToUpper(fields["elementtype"])
	var ok bool
	if h.datatype, ok = metaElementTypes[elementType]; !ok {
		return nil, fmt.Errorf("unsupported ElementType %q", fields["elementtype"])
	}
	if channels, found := fields["elementnumberofchannels"]; found && channels != "1" {
		return nil, fmt.Errorf("ElementNumberOfChannels = %s: only scalar images are supported", channels)
	}
	for _, key := range []string{"elementbyteordermsb", "binarydatabyteordermsb"} {
		if isTrue(fields[key]) {
			h.order = binary.BigEndian
		}
	}
	h.compressed = isTrue(fields["compresseddata"])
	if h.spacing, err = metaVector(fields, ndims, 1, "elementspacing"); err != nil {
		return nil, err
	}
	for _, s := range h.spacing {
		if !(s > 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("ElementSpacing %v: spacings must be positive", h.spacing)
		}
	}
	if h.origin, err = metaVector(fields, ndims, 0, "offset", "position", "origin"); err != nil {
		return nil, err
	}
	matrix, err := metaVector(fields, ndims*ndims, math.NaN(), "transformmatrix", "orientation", "rotation")
	if err != nil {
		return nil, err
	}
	for axis := range ndims {
		dir := make([]float64, ndims)
		for i := range ndims {
			if math.IsNaN(matrix[0]) { // Absent: identity.
				dir[i] = float64(boolToInt(i == axis))
			} else {
				dir[i] = matrix[axis*ndims+i]
			}
		}
		h.direction = append(h.direction, dir)
	}
	h.headerSize = 0
	if s, found := fields["headersize"]; found {
		if h.headerSize, err = strconv.Atoi(s); err != nil || h.headerSize < -1 {
			return nil, fmt.Errorf("HeaderSize = %q, want a byte count or -1", s)
		}
	}
	if h.dataFile == "" || strings.EqualFold(h.dataFile, "LIST") || strings.Contains(h.dataFile, "%") ||
		strings.Contains(h.dataFile, " ") {
		return nil, fmt.Errorf("ElementDataFile = %q: only LOCAL or a single file name is supported", h.dataFile)
	}
	return h, nil
}

// metaVector returns the first present field among keys as n numbers, or n copies of fill when none is present.
func metaVector(fields map[string]string, n int, fill float64, keys ...string) ([]float64, error) {
	for _, key := range keys {
		if value, found := fields[key]; found {
			return parseNumbers(key, value, n)
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = fill
	}
	return out, nil
}

// parseNumbers parses exactly n whitespace-separated finite numbers.
func parseNumbers(key, value string, n int) ([]float64, error) {
	words := strings.Fields(value)
	if len(words) != n {
		return nil, fmt.Errorf("%s = %q: want %d numbers", key, value, n)
	}
	out := make([]float64, n)
	for i, w := range words {
		x, err := strconv.ParseFloat(w, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s = %q: bad number %q", key, value, w)
		}
		out[i] = x
	}
	return out, nil
}

func isTrue(s string) bool { return strings.EqualFold(s, "true") || s == "1" }

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// affine returns the voxel → RAS+ affine: MetaImage world coordinates are LPS, so the first two rows are negated.
func (h *metaHeader) affine() [4][4]float64 {
	a := identity()
	for axis := range min(3, len(h.dims)) {
		for i := range min(3, len(h.dims)) {
			a[i][axis] = h.direction[axis][i] * h.spacing[axis]
		}
		a[axis][3] = h.origin[axis]
	}
	for i := range 2 {
		for j := range 4 {
			a[i][j] = -a[i][j]
		}
	}
	return a
}

// readMetaImageFile reads a .mha or .mhd file.
func readMetaImageFile(path string) (*Volume, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("volume: reading MetaImage: %w", err)
	}
	defer f.Close()
	v, err := decodeMetaImage(path, bufio.NewReaderSize(f, 1<<16), func(name string) (io.ReadSeekCloser, error) {
		return os.Open(metaDataPath(path, name))
	})
	if err != nil {
		return nil, fmt.Errorf("volume: reading MetaImage %s: %w", path, err)
	}
	return v, nil
}

// decodeMetaImage reads a header from r and its voxels, from r itself for LOCAL data or else from the file that
// openData opens.
func decodeMetaImage(path string, r *bufio.Reader, openData func(string) (io.ReadSeekCloser, error)) (*Volume, error) {
	h, err := parseMetaHeader(r)
	if err != nil {
		return nil, err
	}
	n, _ := voxelCount(h.dims) // Validated by newMetaHeader.
	size := n * h.datatype.Size()
	var data io.Reader = r
	if !strings.EqualFold(h.dataFile, "LOCAL") {
		f, err := openData(h.dataFile)
		if err != nil {
			return nil, fmt.Errorf("data file: %w", err)
		}
		defer f.Close()
		if err := seekToData(f, h, size); err != nil {
			return nil, fmt.Errorf("data file %s: %w", h.dataFile, err)
		}
		data = bufio.NewReaderSize(f, 1<<16)
	}
	if h.compressed {
		zr, err := zlib.NewReader(data)
		if err != nil {
			return nil, fmt.Errorf("compressed data: %w", err)
		}
		defer zr.Close()
		data = zr
	}
	raw, err := readExactly(data, size)
	if err != nil {
		return nil, fmt.Errorf("DimSize %v of %s: %w", h.dims, h.datatype, err)
	}
	dims, spacing := padTo3(clone(h.dims), clone(h.spacing))
	affine := h.affine()
	if err := affineProblem(affine); err != nil {
		return nil, fmt.Errorf("TransformMatrix and ElementSpacing: %w", err)
	}
	return &Volume{Dims: dims, Spacing: spacing, Affine: affine, Path: path,
		Data: decodeVoxels(raw, h.datatype, h.order, 1, 0)}, nil
}

// seekToData positions an external data file at its first voxel: after HeaderSize bytes, or size bytes before
// the end when HeaderSize is -1 (uncompressed data only).
func seekToData(f io.Seeker, h *metaHeader, size int) error {
	if h.headerSize == -1 {
		if h.compressed {
			return fmt.Errorf("HeaderSize = -1 needs uncompressed data")
		}
		_, err := f.Seek(-int64(size), io.SeekEnd)
		return err
	}
	_, err := f.Seek(int64(h.headerSize), io.SeekStart)
	return err
}
