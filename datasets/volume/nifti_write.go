package volume

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// NIfTI transform codes, for [NIfTIWriter.TransformCodes].
const (
	XFormUnknown = 0 // The transform is absent.
	XFormScanner = 1 // Scanner-based anatomical coordinates.
	XFormAligned = 2 // Coordinates aligned to another file or anatomical truth.
)

// NIfTIWriter writes a [Volume] as a single-file NIfTI-1 or NIfTI-2 image, gzip-compressed when the path ends in
// ".gz". Create it with [NewNIfTIWriter], configure it with its builder methods, then call [NIfTIWriter.Write].
//
// By default it writes NIfTI-1, little-endian, float32 voxels without scaling, and the affine both as sform and
// (when the affine has no shear) as qform, both with code [XFormAligned].
type NIfTIWriter struct {
	vol                  *Volume
	version              int
	datatype             Datatype
	order                binary.ByteOrder
	slope, inter         float64
	qformCode, sformCode int
	description          string
}

// NewNIfTIWriter returns a writer for v with the default configuration.
func NewNIfTIWriter(v *Volume) *NIfTIWriter {
	return &NIfTIWriter{vol: v, version: 1, datatype: Float32, order: binary.LittleEndian, slope: 1,
		qformCode: XFormAligned, sformCode: XFormAligned}
}

// Version selects NIfTI-1 (1, the default) or NIfTI-2 (2).
func (w *NIfTIWriter) Version(version int) *NIfTIWriter {
	w.version = version
	return w
}

// Datatype selects the voxel storage type. Integer types round values (half to even) and Write fails on
// values they cannot hold.
func (w *NIfTIWriter) Datatype(dt Datatype) *NIfTIWriter {
	w.datatype = dt
	return w
}

// ByteOrder selects the byte order of header and voxels (default little-endian).
func (w *NIfTIWriter) ByteOrder(order binary.ByteOrder) *NIfTIWriter {
	w.order = order
	return w
}

// Scaling stores voxels as (value - inter) / slope, recording scl_slope and scl_inter so readers recover value.
func (w *NIfTIWriter) Scaling(slope, inter float64) *NIfTIWriter {
	w.slope, w.inter = slope, inter
	return w
}

// TransformCodes sets qform_code and sform_code; 0 ([XFormUnknown]) omits that transform. With both 0, readers
// fall back to the pixdim-only affine and the volume's own affine is lost.
func (w *NIfTIWriter) TransformCodes(qformCode, sformCode int) *NIfTIWriter {
	w.qformCode, w.sformCode = qformCode, sformCode
	return w
}

// Description sets the header's descrip field (at most 79 bytes: NIfTI's 80 with the terminating zero), which
// [ReadHeaderDescription] reads back; programs tag the files they write with it.
func (w *NIfTIWriter) Description(text string) *NIfTIWriter {
	w.description = text
	return w
}

// Write writes the volume to path (".nii", or ".nii.gz" to compress).
func (w *NIfTIWriter) Write(path string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("volume: writing NIfTI %s: %w", path, err)
		}
	}()
	lower := strings.ToLower(path)
	if !strings.HasSuffix(lower, ".nii") && !strings.HasSuffix(lower, ".nii.gz") {
		return fmt.Errorf("file name must end in .nii or .nii.gz")
	}
	header, err := w.header()
	if err != nil {
		return err
	}
	data, err := encodeVoxels(w.vol.Data, w.datatype, w.order, w.slope, w.inter)
	if err != nil {
		return err
	}
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
	var out io.Writer = bw
	var zw *gzip.Writer
	if strings.HasSuffix(lower, ".gz") {
		zw = gzip.NewWriter(bw)
		out = zw
	}
	for _, chunk := range [][]byte{header, make([]byte, extensionFlag), data} {
		if _, err := out.Write(chunk); err != nil {
			return err
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// header encodes the NIfTI header (without the extension flag).
func (w *NIfTIWriter) header() ([]byte, error) {
	v := w.vol
	if err := v.Validate(); err != nil {
		return nil, err
	}
	if err := w.datatype.check(); err != nil {
		return nil, err
	}
	if w.version != 1 && w.version != 2 {
		return nil, fmt.Errorf("NIfTI version %d, want 1 or 2", w.version)
	}
	if w.slope == 0 || math.IsNaN(w.slope) || math.IsInf(w.slope, 0) {
		return nil, fmt.Errorf("invalid scaling slope %g", w.slope)
	}
	if len(w.description) >= descripSize {
		return nil, fmt.Errorf("description of %d bytes, NIfTI's descrip holds at most %d", len(w.description),
			descripSize-1)
	}
	if len(v.Dims) > 7 {
		return nil, fmt.Errorf("%d axes, NIfTI holds at most 7", len(v.Dims))
	}
	if w.version == 1 {
		for _, d := range v.Dims {
			if d > math.MaxInt16 {
				return nil, fmt.Errorf("dims %v do not fit NIfTI-1 (max %d per axis): use NIfTI-2", v.Dims,
					math.MaxInt16)
			}
		}
	}
	var dims [8]int64
	var pixdim [8]float64
	dims[0] = int64(len(v.Dims))
	for i, d := range v.Dims {
		dims[i+1] = int64(d)
		pixdim[i+1] = v.Spacing[i]
	}
	for i := len(v.Dims) + 1; i < 8; i++ {
		dims[i], pixdim[i] = 1, 1
	}
	q, qformCode := quaternionFromAffine(v.Affine), w.qformCode
	if !q.ok {
		qformCode = XFormUnknown // A sheared affine has no quaternion form.
	}
	pixdim[0] = 1
	if qformCode != XFormUnknown {
		// The qform reads its zooms and qfac from pixdim, so they must come from the affine.
		pixdim[0] = q.qfac
		for i := range 3 {
			pixdim[i+1] = q.zooms[i]
		}
	}
	e := headerEncoder{order: w.order}
	if w.version == 1 {
		e.buf = make([]byte, nifti1HeaderSize)
		e.i32(0, nifti1HeaderSize)
		for i, d := range dims {
			e.i16(40+2*i, int16(d))
		}
		e.i16(70, int16(w.datatype))
		e.i16(72, int16(8*w.datatype.Size()))
		for i, p := range pixdim {
			e.f32(76+4*i, p)
		}
		e.f32(108, nifti1HeaderSize+extensionFlag)
		e.f32(112, w.slope)
		e.f32(116, w.inter)
		e.buf[123] = 2 | 8 // xyzt_units: mm and seconds.
		e.i16(252, int16(qformCode))
		e.i16(254, int16(w.sformCode))
		for i := range 3 {
			e.f32(256+4*i, q.bcd[i])
			e.f32(268+4*i, v.Affine[i][3])
			for j := range 4 {
				e.f32(280+16*i+4*j, v.Affine[i][j])
			}
		}
		copy(e.buf[nifti1Descrip:], w.description)
		copy(e.buf[344:], "n+1\x00")
	} else {
		e.buf = make([]byte, nifti2HeaderSize)
		e.i32(0, nifti2HeaderSize)
		copy(e.buf[4:], "n+2\x00\r\n\x1a\n")
		e.i16(12, int16(w.datatype))
		e.i16(14, int16(8*w.datatype.Size()))
		for i := range 8 {
			e.order.PutUint64(e.buf[16+8*i:], uint64(dims[i]))
			e.f64(104+8*i, pixdim[i])
		}
		e.order.PutUint64(e.buf[168:], nifti2HeaderSize+extensionFlag)
		e.f64(176, w.slope)
		e.f64(184, w.inter)
		e.i32(344, int32(qformCode))
		e.i32(348, int32(w.sformCode))
		for i := range 3 {
			e.f64(352+8*i, q.bcd[i])
			e.f64(376+8*i, v.Affine[i][3])
			for j := range 4 {
				e.f64(400+32*i+8*j, v.Affine[i][j])
			}
		}
		copy(e.buf[nifti2Descrip:], w.description)
		e.i32(500, 2|8) // xyzt_units: mm and seconds.
	}
	return e.buf, nil
}

// headerEncoder writes fixed-offset header fields in one byte order.
type headerEncoder struct {
	buf   []byte
	order binary.ByteOrder
}

func (e headerEncoder) i16(off int, x int16) { e.order.PutUint16(e.buf[off:], uint16(x)) }
func (e headerEncoder) i32(off int, x int32) { e.order.PutUint32(e.buf[off:], uint32(x)) }
func (e headerEncoder) f32(off int, x float64) {
	e.order.PutUint32(e.buf[off:], math.Float32bits(float32(x)))
}
func (e headerEncoder) f64(off int, x float64) { e.order.PutUint64(e.buf[off:], math.Float64bits(x)) }

// qformParams is the quaternion form of an affine: rotation quaternion (b, c, d), zooms and qfac.
type qformParams struct {
	bcd   [3]float64
	zooms [3]float64
	qfac  float64
	ok    bool // false when the affine's columns are not orthogonal (shear) or are degenerate
}

// quaternionFromAffine factors the affine's 3×3 part into rotation · diag(zooms) · diag(1, 1, qfac), following
// nifti_mat44_to_quatern. It gives up (ok false) on sheared or degenerate affines, which a qform cannot hold.
func quaternionFromAffine(a [4][4]float64) qformParams {
	var p qformParams
	var r [3][3]float64
	for j := range 3 {
		norm := math.Sqrt(a[0][j]*a[0][j] + a[1][j]*a[1][j] + a[2][j]*a[2][j])
		if norm == 0 {
			return p
		}
		p.zooms[j] = norm
		for i := range 3 {
			r[i][j] = a[i][j] / norm
		}
	}
	for j := range 3 {
		for k := j + 1; k < 3; k++ {
			if dot := r[0][j]*r[0][k] + r[1][j]*r[1][k] + r[2][j]*r[2][k]; math.Abs(dot) > 1e-4 {
				return p
			}
		}
	}
	det := r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) +
		r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
	p.qfac = 1
	if det < 0 {
		p.qfac = -1
		for i := range 3 {
			r[i][2] = -r[i][2]
		}
	}
	var qa, qb, qc, qd float64
	if trace := r[0][0] + r[1][1] + r[2][2] + 1; trace > 0.5 {
		qa = 0.5 * math.Sqrt(trace)
		qb = 0.25 * (r[2][1] - r[1][2]) / qa
		qc = 0.25 * (r[0][2] - r[2][0]) / qa
		qd = 0.25 * (r[1][0] - r[0][1]) / qa
	} else {
		xd := 1 + r[0][0] - (r[1][1] + r[2][2])
		yd := 1 + r[1][1] - (r[0][0] + r[2][2])
		zd := 1 + r[2][2] - (r[0][0] + r[1][1])
		switch {
		case xd > 1:
			qb = 0.5 * math.Sqrt(xd)
			qc = 0.25 * (r[0][1] + r[1][0]) / qb
			qd = 0.25 * (r[0][2] + r[2][0]) / qb
			qa = 0.25 * (r[2][1] - r[1][2]) / qb
		case yd > 1:
			qc = 0.5 * math.Sqrt(yd)
			qb = 0.25 * (r[0][1] + r[1][0]) / qc
			qd = 0.25 * (r[1][2] + r[2][1]) / qc
			qa = 0.25 * (r[0][2] - r[2][0]) / qc
		default:
			qd = 0.5 * math.Sqrt(zd)
			qb = 0.25 * (r[0][2] + r[2][0]) / qd
			qc = 0.25 * (r[1][2] + r[2][1]) / qd
			qa = 0.25 * (r[1][0] - r[0][1]) / qd
		}
		if qa < 0 {
			qb, qc, qd = -qb, -qc, -qd
		}
	}
	p.bcd = [3]float64{qb, qc, qd}
	p.ok = true
	return p
}
