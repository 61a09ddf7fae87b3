package volume

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// NIfTI header sizes: the fixed header, plus the 4-byte extension flag that precedes data in single files.
const (
	nifti1HeaderSize = 348
	nifti2HeaderSize = 540
	extensionFlag    = 4
)

// niftiHeader holds the NIfTI-1 or NIfTI-2 header fields that reading needs, widened to the NIfTI-2 types.
// Fields are stored after nibabel's load-time fixes (see parseNIfTIHeader).
type niftiHeader struct {
	version    int // 1 or 2
	order      binary.ByteOrder
	pairFile   bool  // magic "ni1"/"ni2": data in a separate .img file
	dims       []int // dim[1..dim[0]]
	datatype   Datatype
	pixdim     [8]float64
	voxOffset  int64
	sclSlope   float64
	sclInter   float64
	qformCode  int
	sformCode  int
	quatern    [3]float64 // b, c, d
	qoffset    [3]float64
	srow       [3][4]float64
	headerSize int
}

// niftiVersion reads sizeof_hdr from the first 4 bytes and returns the version and byte order it implies.
func niftiVersion(first4 []byte) (int, binary.ByteOrder, error) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		switch order.Uint32(first4) {
		case nifti1HeaderSize:
			return 1, order, nil
		case nifti2HeaderSize:
			return 2, order, nil
		}
	}
	return 0, nil, fmt.Errorf("not a NIfTI file: sizeof_hdr is %d, want %d or %d",
		binary.LittleEndian.Uint32(first4), nifti1HeaderSize, nifti2HeaderSize)
}

// parseNIfTIHeader decodes a NIfTI-1 (348 bytes) or NIfTI-2 (540 bytes) header.
//
// Like nibabel when it loads a file, it fixes invalid fields instead of failing: transform codes outside 0…5
// become 0, zero spatial pixdims become 1 and negative ones their absolute value, and a qfac (pixdim[0]) other
// than ±1 becomes 1.
func parseNIfTIHeader(b []byte) (*niftiHeader, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("header truncated: %d bytes", len(b))
	}
	version, order, err := niftiVersion(b)
	if err != nil {
		return nil, err
	}
	h := &niftiHeader{version: version, order: order, headerSize: nifti1HeaderSize}
	if version == 2 {
		h.headerSize = nifti2HeaderSize
	}
	if len(b) < h.headerSize {
		return nil, fmt.Errorf("NIfTI-%d header truncated: %d bytes, want %d", version, len(b), h.headerSize)
	}
	var rawDims [8]int64
	if version == 1 {
		err = h.parseV1(b, &rawDims)
	} else {
		err = h.parseV2(b, &rawDims)
	}
	if err != nil {
		return nil, err
	}
	if err := h.datatype.check(); err != nil {
		return nil, err
	}
	ndim := rawDims[0]
	if ndim < 1 || ndim > 7 {
		return nil, fmt.Errorf("dim[0] = %d, want 1…7", ndim)
	}
	for i := int64(1); i <= ndim; i++ {
		if rawDims[i] <= 0 || rawDims[i] > maxVoxels {
			return nil, fmt.Errorf("dim[%d] = %d out of range", i, rawDims[i])
		}
		h.dims = append(h.dims, int(rawDims[i]))
	}
	if _, err := voxelCount(h.dims); err != nil {
		return nil, err
	}
	h.applyNibabelFixes()
	return h, nil
}

func (h *niftiHeader) parseV1(b []byte, rawDims *[8]int64) error {
	o := h.order
	f32 := func(off int) float64 { return float64(math.Float32frombits(o.Uint32(b[off:]))) }
	switch magic := string(b[344:348]); magic {
	case "n+1\x00":
	case "ni1\x00":
		h.pairFile = true
	default:
		return fmt.Errorf("bad NIfTI-1 magic %q (Analyze 7.5 headers are not supported)", magic)
	}
	for i := range 8 {
		rawDims[i] = int64(int16(o.Uint16(b[40+2*i:])))
	}
	h.datatype = Datatype(int16(o.Uint16(b[70:])))
	for i := range 8 {
		h.pixdim[i] = f32(76 + 4*i)
	}
	voxOffset := f32(108)
	if voxOffset < 0 || voxOffset > math.MaxInt32 || voxOffset != math.Trunc(voxOffset) {
		return fmt.Errorf("bad vox_offset %g", voxOffset)
	}
	h.voxOffset = int64(voxOffset)
	h.sclSlope, h.sclInter = f32(112), f32(116)
	h.qformCode, h.sformCode = int(int16(o.Uint16(b[252:]))), int(int16(o.Uint16(b[254:])))
	for i := range 3 {
		h.quatern[i] = f32(256 + 4*i)
		h.qoffset[i] = f32(268 + 4*i)
		for j := range 4 {
			h.srow[i][j] = f32(280 + 16*i + 4*j)
		}
	}
	return nil
}

func (h *niftiHeader) parseV2(b []byte, rawDims *[8]int64) error {
	o := h.order
	f64 := func(off int) float64 { return math.Float64frombits(o.Uint64(b[off:])) }
	switch magic := string(b[4:12]); magic {
	case "n+2\x00\r\n\x1a\n":
	case "ni2\x00\r\n\x1a\n":
		h.pairFile = true
	default:
		return fmt.Errorf("bad NIfTI-2 magic %q", magic)
	}
	h.datatype = Datatype(int16(o.Uint16(b[12:])))
	for i := range 8 {
		rawDims[i] = int64(o.Uint64(b[16+8*i:]))
		h.pixdim[i] = f64(104 + 8*i)
	}
	h.voxOffset = int64(o.Uint64(b[168:]))
	if h.voxOffset < 0 || h.voxOffset > math.MaxInt32 {
		return fmt.Errorf("bad vox_offset %d", h.voxOffset)
	}
	h.sclSlope, h.sclInter = f64(176), f64(184)
	h.qformCode, h.sformCode = int(int32(o.Uint32(b[344:]))), int(int32(o.Uint32(b[348:])))
	for i := range 3 {
		h.quatern[i] = f64(352 + 8*i)
		h.qoffset[i] = f64(376 + 8*i)
		for j := range 4 {
			h.srow[i][j] = f64(400 + 32*i + 8*j)
		}
	}
	return nil
}

// applyNibabelFixes repairs invalid fields the way nibabel's header checks do on load.
func (h *niftiHeader) applyNibabelFixes() {
	for _, code := range []*int{&h.qformCode, &h.sformCode} {
		if *code < 0 || *code > 5 {
			*code = 0
		}
	}
	for i := 1; i <= 3; i++ {
		if h.pixdim[i] == 0 {
			h.pixdim[i] = 1
		}
		h.pixdim[i] = math.Abs(h.pixdim[i])
	}
	if h.pixdim[0] != 1 && h.pixdim[0] != -1 {
		h.pixdim[0] = 1
	}
}

// scaling returns the slope and intercept to apply: slope 0 or non-finite means none (1, 0), as in nibabel.
func (h *niftiHeader) scaling() (slope, inter float64, err error) {
	if h.sclSlope == 0 || math.IsNaN(h.sclSlope) || math.IsInf(h.sclSlope, 0) {
		return 1, 0, nil
	}
	if math.IsNaN(h.sclInter) || math.IsInf(h.sclInter, 0) {
		return 0, 0, fmt.Errorf("valid scl_slope %g but invalid scl_inter %g", h.sclSlope, h.sclInter)
	}
	return h.sclSlope, h.sclInter, nil
}

// affine returns nibabel's get_best_affine: the sform when sform_code ≠ 0, else the qform when qform_code ≠ 0,
// else the pixdim-scaling fallback centred on the volume. Unlike nibabel it never returns a degenerate affine
// (see [Volume.CheckGeometry]): a singular or non-finite sform falls back to the qform when there is one, and
// is an error otherwise, as is a degenerate qform or pixdim.
func (h *niftiHeader) affine() ([4][4]float64, error) {
	if h.sformCode != 0 {
		a := identity()
		for i := range 3 {
			a[i] = h.srow[i]
		}
		sformErr := affineProblem(a)
		if sformErr == nil {
			return a, nil
		}
		if h.qformCode == 0 {
			return a, fmt.Errorf("sform: %w, and there is no qform to fall back to", sformErr)
		}
		q, err := h.checkedAffine(h.qformAffine())
		if err != nil {
			return q, fmt.Errorf("sform: %w, and the qform is no better: %w", sformErr, err)
		}
		return q, nil
	}
	if h.qformCode != 0 {
		q, err := h.checkedAffine(h.qformAffine())
		if err != nil {
			return q, fmt.Errorf("qform: %w", err)
		}
		return q, nil
	}
	a, err := h.checkedAffine(h.baseAffine(), nil)
	if err != nil {
		return a, fmt.Errorf("pixdim: %w", err)
	}
	return a, nil
}

// checkedAffine passes on a built affine and its error, adding the geometry's checks.
func (h *niftiHeader) checkedAffine(a [4][4]float64, err error) ([4][4]float64, error) {
	if err != nil {
		return a, err
	}
	return a, affineProblem(a)
}

// qformAffine builds the affine from the quaternion (b, c, d; a ≥ 0 from unit norm), pixdim and qfac.
func (h *niftiHeader) qformAffine() ([4][4]float64, error) {
	b, c, d := h.quatern[0], h.quatern[1], h.quatern[2]
	// The tolerance follows nibabel: three epsilons of the precision the quaternion was stored in.
	threshold := -3 * 0x1p-23
	if h.version == 2 {
		threshold = -3 * 0x1p-52
	}
	w2 := 1 - (b*b + c*c + d*d)
	a := 0.0
	switch {
	case w2 >= 0:
		a = math.Sqrt(w2)
	case w2 < threshold || math.IsNaN(w2):
		return [4][4]float64{}, fmt.Errorf("qform quaternion (%g, %g, %g) is not a unit quaternion", b, c, d)
	}
	rotation := quaternionToMatrix(a, b, c, d)
	zooms := [3]float64{h.pixdim[1], h.pixdim[2], h.pixdim[3] * h.pixdim[0]}
	out := identity()
	for i := range 3 {
		for j := range 3 {
			out[i][j] = rotation[i][j] * zooms[j]
		}
		out[i][3] = h.qoffset[i]
	}
	return out, nil
}

// quaternionToMatrix returns the rotation matrix of quaternion (w, x, y, z), normalising it (nibabel's quat2mat).
func quaternionToMatrix(w, x, y, z float64) [3][3]float64 {
	n := w*w + x*x + y*y + z*z
	if n < 0x1p-52 {
		return [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	}
	s := 2 / n
	X, Y, Z := x*s, y*s, z*s
	wX, wY, wZ := w*X, w*Y, w*Z
	xX, xY, xZ := x*X, x*Y, x*Z
	yY, yZ, zZ := y*Y, y*Z, z*Z
	return [3][3]float64{
		{1 - (yY + zZ), xY - wZ, xZ + wY},
		{xY + wZ, 1 - (xX + zZ), yZ - wX},
		{xZ - wY, yZ + wX, 1 - (xX + yY)},
	}
}

// baseAffine is nibabel's get_base_affine: diag(-pixdim[1], pixdim[2], pixdim[3]) with the origin at the volume
// centre, the first three axes only (missing axes count as size 1, spacing 1).
func (h *niftiHeader) baseAffine() [4][4]float64 {
	out := identity()
	for axis := range 3 {
		size, zoom := 1.0, 1.0
		if axis < len(h.dims) {
			size, zoom = float64(h.dims[axis]), h.pixdim[axis+1]
		}
		if axis == 0 {
			zoom = -zoom
		}
		out[axis][axis] = zoom
		out[axis][3] = -(size - 1) / 2 * zoom
	}
	return out
}

func identity() [4][4]float64 {
	return [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}
}

// volume converts the header and its decoded voxels into a Volume.
func (h *niftiHeader) volume(path string, data []float32) (*Volume, error) {
	affine, err := h.affine()
	if err != nil {
		return nil, err
	}
	spacing := make([]float64, len(h.dims))
	for i := range spacing {
		spacing[i] = h.pixdim[i+1]
		if math.IsNaN(spacing[i]) || math.IsInf(spacing[i], 0) {
			return nil, fmt.Errorf("pixdim[%d] = %g: the spacing of axis %d is not a finite length", i+1, spacing[i], i)
		}
	}
	dims, spacing := padTo3(clone(h.dims), spacing)
	return &Volume{Dims: dims, Data: data, Spacing: spacing, Affine: affine, Path: path}, nil
}

// readNIfTIFile reads a .nii, .nii.gz or .hdr(.gz)/.img(.gz) file.
func readNIfTIFile(path string) (*Volume, error) {
	v, err := readNIfTI(path)
	if err != nil {
		return nil, fmt.Errorf("volume: reading NIfTI %s: %w", path, err)
	}
	return v, nil
}

func readNIfTI(path string) (*Volume, error) {
	r, closeFile, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	return decodeNIfTI(path, r, func() (io.Reader, func(), error) {
		return openMaybeGzip(pairImagePath(path))
	})
}

// decodeNIfTI reads a header and its voxels from r; openPair opens the .img file when the header says the data
// lives apart.
func decodeNIfTI(path string, r io.Reader, openPair func() (io.Reader, func(), error)) (*Volume, error) {
	head := make([]byte, nifti2HeaderSize)
	if _, err := io.ReadFull(r, head[:nifti1HeaderSize]); err != nil {
		return nil, fmt.Errorf("header truncated: %w", err)
	}
	version, _, err := niftiVersion(head)
	if err != nil {
		return nil, err
	}
	if version == 2 {
		if _, err := io.ReadFull(r, head[nifti1HeaderSize:]); err != nil {
			return nil, fmt.Errorf("NIfTI-2 header truncated: %w", err)
		}
	}
	h, err := parseNIfTIHeader(head)
	if err != nil {
		return nil, err
	}
	slope, inter, err := h.scaling()
	if err != nil {
		return nil, err
	}
	dataReader, skip := r, h.voxOffset-int64(h.headerSize)
	if h.pairFile {
		pr, closePair, err := openPair()
		if err != nil {
			return nil, fmt.Errorf("header says data is in a separate .img file: %w", err)
		}
		defer closePair()
		dataReader, skip = pr, h.voxOffset
	} else {
		// Single files store data at vox_offset, at least past the header and extension flag.
		skip = max(skip, extensionFlag)
	}
	if _, err := io.CopyN(io.Discard, dataReader, skip); err != nil {
		return nil, fmt.Errorf("file ends before vox_offset %d: %w", h.voxOffset, err)
	}
	n, _ := voxelCount(h.dims) // Validated by parseNIfTIHeader.
	raw, err := readExactly(dataReader, n*h.datatype.Size())
	if err != nil {
		return nil, fmt.Errorf("dims %v of %s: %w", h.dims, h.datatype, err)
	}
	return h.volume(path, decodeVoxels(raw, h.datatype, h.order, slope, inter))
}

// pairImagePath returns the .img file that goes with a .hdr file (keeping a .gz suffix and the case).
func pairImagePath(hdrPath string) string {
	gz := ""
	if strings.HasSuffix(strings.ToLower(hdrPath), ".gz") {
		hdrPath, gz = hdrPath[:len(hdrPath)-3], hdrPath[len(hdrPath)-3:]
	}
	ext := "img"
	if strings.HasSuffix(hdrPath, ".HDR") {
		ext = "IMG"
	}
	return hdrPath[:len(hdrPath)-3] + ext + gz
}

// openMaybeGzip opens path, transparently decompressing it when it starts with the gzip magic bytes.
func openMaybeGzip(path string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, nil, err
	}
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, func() { zr.Close(); f.Close() }, nil
	}
	return br, func() { f.Close() }, nil
}
