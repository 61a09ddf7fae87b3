package volume

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Datatype is a voxel storage type, numbered with the NIfTI datatype codes (MetaImage element types map onto it).
type Datatype int16

// Supported voxel storage types (NIfTI codes).
const (
	Uint8   Datatype = 2
	Int16   Datatype = 4
	Int32   Datatype = 8
	Float32 Datatype = 16
	Float64 Datatype = 64
	Int8    Datatype = 256
	Uint16  Datatype = 512
	Uint32  Datatype = 768
	Int64   Datatype = 1024
	Uint64  Datatype = 1280
)

// Datatypes lists every supported Datatype.
var Datatypes = []Datatype{Uint8, Int8, Int16, Uint16, Int32, Uint32, Int64, Uint64, Float32, Float64}

// datatypeInfo describes a supported datatype: name, size in bytes and, for integers, the exact value range.
var datatypeInfo = map[Datatype]struct {
	name     string
	size     int
	min, max float64 // value range for integer types; 0, 0 for floats
}{
	Uint8:   {"uint8", 1, 0, math.MaxUint8},
	Int8:    {"int8", 1, math.MinInt8, math.MaxInt8},
	Int16:   {"int16", 2, math.MinInt16, math.MaxInt16},
	Uint16:  {"uint16", 2, 0, math.MaxUint16},
	Int32:   {"int32", 4, math.MinInt32, math.MaxInt32},
	Uint32:  {"uint32", 4, 0, math.MaxUint32},
	Int64:   {"int64", 8, math.MinInt64, math.MaxInt64},
	Uint64:  {"uint64", 8, 0, math.MaxUint64},
	Float32: {"float32", 4, 0, 0},
	Float64: {"float64", 8, 0, 0},
}

// unsupportedDatatypes names the NIfTI codes that exist but that this package does not decode.
var unsupportedDatatypes = map[Datatype]string{
	1: "binary", 32: "complex64", 128: "RGB24", 1536: "float128", 1792: "complex128", 2048: "complex256",
	2304: "RGBA32",
}

// String returns the type's name, e.g. "int16".
func (d Datatype) String() string {
	if info, ok := datatypeInfo[d]; ok {
		return info.name
	}
	if name, ok := unsupportedDatatypes[d]; ok {
		return name
	}
	return fmt.Sprintf("Datatype(%d)", int16(d))
}

// Size returns the number of bytes per voxel, or 0 for an unsupported type.
func (d Datatype) Size() int { return datatypeInfo[d].size }

// IsFloat reports whether d is a floating-point type.
func (d Datatype) IsFloat() bool { return d == Float32 || d == Float64 }

// check returns an error for unsupported datatypes.
func (d Datatype) check() error {
	if _, ok := datatypeInfo[d]; ok {
		return nil
	}
	if name, ok := unsupportedDatatypes[d]; ok {
		return fmt.Errorf("unsupported datatype %s (code %d)", name, int16(d))
	}
	return fmt.Errorf("unknown datatype code %d", int16(d))
}

// decodeVoxels converts raw voxels of type dt in byte order to float32, computing raw·slope + inter in float64
// (nibabel's get_fdata) before rounding to float32. raw is byte-swapped in place when big-endian.
func decodeVoxels(raw []byte, dt Datatype, order binary.ByteOrder, slope, inter float64) []float32 {
	size := dt.Size()
	if order == binary.ByteOrder(binary.BigEndian) && size > 1 {
		swapBytes(raw, size)
	}
	le := binary.LittleEndian
	out := make([]float32, len(raw)/size)
	scale := func(x float64) float32 { return float32(x*slope + inter) }
	switch dt {
	case Uint8:
		for i, b := range raw {
			out[i] = scale(float64(b))
		}
	case Int8:
		for i, b := range raw {
			out[i] = scale(float64(int8(b)))
		}
	case Int16:
		for i := range out {
			out[i] = scale(float64(int16(le.Uint16(raw[2*i:]))))
		}
	case Uint16:
		for i := range out {
			out[i] = scale(float64(le.Uint16(raw[2*i:])))
		}
	case Int32:
		for i := range out {
			out[i] = scale(float64(int32(le.Uint32(raw[4*i:]))))
		}
	case Uint32:
		for i := range out {
			out[i] = scale(float64(le.Uint32(raw[4*i:])))
		}
	case Int64:
		for i := range out {
			out[i] = scale(float64(int64(le.Uint64(raw[8*i:]))))
		}
	case Uint64:
		for i := range out {
			out[i] = scale(float64(le.Uint64(raw[8*i:])))
		}
	case Float32:
		for i := range out {
			out[i] = scale(float64(math.Float32frombits(le.Uint32(raw[4*i:]))))
		}
	case Float64:
		for i := range out {
			out[i] = scale(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	}
	return out
}

// encodeVoxels is the inverse of decodeVoxels: it stores (v - inter) / slope as dt in byte order. Integer types
// round half to even (as numpy's rint) and reject values out of range or NaN with an error naming the voxel.
func encodeVoxels(data []float32, dt Datatype, order binary.ByteOrder, slope, inter float64) ([]byte, error) {
	info := datatypeInfo[dt]
	out := make([]byte, len(data)*info.size)
	for i, v := range data {
		x := (float64(v) - inter) / slope
		if !dt.IsFloat() {
			x = math.RoundToEven(x)
			// max of the 64-bit types is not exactly representable: 2⁶³ and 2⁶⁴ themselves are out of range.
			if !(x >= info.min && x <= info.max) || (info.size == 8 && x == info.max) {
				return nil, fmt.Errorf("voxel %d: value %g does not fit %s (slope %g, inter %g)", i, v, dt, slope,
					inter)
			}
		}
		b := out[i*info.size:]
		switch dt {
		case Uint8:
			b[0] = uint8(x)
		case Int8:
			b[0] = uint8(int8(x))
		case Int16:
			order.PutUint16(b, uint16(int16(x)))
		case Uint16:
			order.PutUint16(b, uint16(x))
		case Int32:
			order.PutUint32(b, uint32(int32(x)))
		case Uint32:
			order.PutUint32(b, uint32(x))
		case Int64:
			order.PutUint64(b, uint64(int64(x)))
		case Uint64:
			order.PutUint64(b, uint64(x))
		case Float32:
			order.PutUint32(b, math.Float32bits(float32(x)))
		case Float64:
			order.PutUint64(b, math.Float64bits(x))
		}
	}
	return out, nil
}

// swapBytes reverses the byte order of each size-byte word of buf in place.
func swapBytes(buf []byte, size int) {
	for i := 0; i+size <= len(buf); i += size {
		for lo, hi := i, i+size-1; lo < hi; lo, hi = lo+1, hi-1 {
			buf[lo], buf[hi] = buf[hi], buf[lo]
		}
	}
}

// readChunk is the first allocation of readExactly; it doubles from there.
const readChunk = 16 << 20

// readExactly reads exactly n bytes from r. Its buffer grows as data arrives, so a header that declares a huge
// size cannot make it allocate much more than the input really holds.
func readExactly(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, readChunk))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			if len(buf) < n {
				return nil, fmt.Errorf("data truncated: got %d bytes, want %d", len(buf), n)
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}
