package ckpt

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"sort"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

const (
	// FileName is the checkpoint file inside a checkpoint directory.
	FileName = "checkpoint.gokd"

	// MetadataFileName is the human-readable copy of the checkpoint's [Metadata], next to [FileName].
	MetadataFileName = "metadata.json"

	magic = "GoKD checkpoint\n"
	// formatVersion is the version written. Version 2 follows the JSON header with its CRC-32, so that the
	// header (metadata and the variables' own checksums) is covered too; version 1 files, without it, are read.
	formatVersion = 2
	// oldestVersion is the oldest version read.
	oldestVersion = 1
	// headerCRCSize is the size of the header's checksum after the JSON header, from version 2 on.
	headerCRCSize = 4

	// maxHeaderBytes bounds the JSON header read before trusting it: a corrupt length must not allocate gigabytes.
	maxHeaderBytes = 256 << 20
)

// header is the JSON part of a checkpoint file.
type header struct {
	Version   int             `json:"version"`
	ByteOrder string          `json:"byte_order"` // Of the variables' raw bytes: the saving host's.
	Variables []variableEntry `json:"variables"`  // Sorted by path; their data follows in this order.
	Metadata  Metadata        `json:"metadata"`
}

// variableEntry describes one saved variable.
type variableEntry struct {
	Path       string `json:"path"`
	DType      string `json:"dtype"`
	Dimensions []int  `json:"dimensions"`
	Trainable  bool   `json:"trainable"`
	Offset     int64  `json:"offset"` // From the start of the data section.
	Length     int64  `json:"length"`
	CRC32      uint32 `json:"crc32"` // IEEE, of the raw bytes.
}

// shape decodes the entry's dtype and dimensions.
func (e *variableEntry) shape() (shapes.Shape, error) {
	dtype, found := dtypes.MapOfNames[e.DType]
	if !found || dtype == dtypes.InvalidDType {
		return shapes.Shape{}, fmt.Errorf("variable %q has unknown dtype %q", e.Path, e.DType)
	}
	for _, d := range e.Dimensions {
		if d < 0 {
			return shapes.Shape{}, fmt.Errorf("variable %q has negative dimension in %v", e.Path, e.Dimensions)
		}
	}
	return shapes.Make(dtype, e.Dimensions...), nil
}

// hostByteOrder names the byte order of this machine, which is that of tensors' raw bytes.
func hostByteOrder() string {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return "little"
	}
	return "big"
}

// savedVariable is a variable about to be written.
type savedVariable struct {
	entry variableEntry
	value *tensors.Tensor
}

// newHeader describes variables (sorted by path in place) and computes their offsets and checksums.
func newHeader(variables []savedVariable, meta Metadata) (header, error) {
	sort.Slice(variables, func(i, j int) bool { return variables[i].entry.Path < variables[j].entry.Path })
	h := header{Version: formatVersion, ByteOrder: hostByteOrder(), Metadata: meta}
	var offset int64
	for i := range variables {
		entry := &variables[i].entry
		err := variables[i].value.ConstBytes(func(data []byte) {
			entry.Length = int64(len(data))
			entry.CRC32 = crc32.ChecksumIEEE(data)
		})
		if err != nil {
			return header{}, fmt.Errorf("reading value of variable %q: %w", entry.Path, err)
		}
		entry.Offset = offset
		offset += entry.Length
		h.Variables = append(h.Variables, *entry)
	}
	return h, nil
}

// writeFile writes a whole checkpoint file: magic, header length, header, then the variables' bytes.
func writeFile(w io.Writer, h header, variables []savedVariable) error {
	encoded, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encoding header: %w", err)
	}
	if _, err := io.WriteString(w, magic); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(encoded))); err != nil {
		return err
	}
	if _, err := w.Write(encoded); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, crc32.ChecksumIEEE(encoded)); err != nil {
		return err
	}
	for _, v := range variables {
		var writeErr error
		err := v.value.ConstBytes(func(data []byte) { _, writeErr = w.Write(data) })
		if err != nil {
			return fmt.Errorf("reading value of variable %q: %w", v.entry.Path, err)
		}
		if writeErr != nil {
			return fmt.Errorf("variable %q: %w", v.entry.Path, writeErr)
		}
	}
	return nil
}

// readHeader reads and validates the magic and the header, leaving r at the start of the data section.
// fileSize is the size of the whole file: the entries must describe exactly the bytes after the header.
func readHeader(r *bufio.Reader, fileSize int64) (header, error) {
	start := make([]byte, len(magic))
	if _, err := io.ReadFull(r, start); err != nil || string(start) != magic {
		return header{}, fmt.Errorf("not a GoKD checkpoint (bad magic %q)", start)
	}
	var headerLen uint64
	if err := binary.Read(r, binary.LittleEndian, &headerLen); err != nil {
		return header{}, fmt.Errorf("reading header length: %w", err)
	}
	dataStart := int64(len(magic)) + 8 + int64(headerLen)
	if headerLen > maxHeaderBytes || dataStart > fileSize {
		return header{}, fmt.Errorf("header length %d does not fit a file of %d bytes", headerLen, fileSize)
	}
	encoded := make([]byte, headerLen)
	if _, err := io.ReadFull(r, encoded); err != nil {
		return header{}, fmt.Errorf("reading header: %w", err)
	}
	// The checksum comes before the JSON is trusted; a version 1 header has none, and its data starts here.
	stored, _ := r.Peek(headerCRCSize)
	checked := len(stored) == headerCRCSize && binary.LittleEndian.Uint32(stored) == crc32.ChecksumIEEE(encoded)
	var h header
	if err := json.Unmarshal(encoded, &h); err != nil {
		if !checked {
			return header{}, fmt.Errorf("header is corrupt (its CRC-32 does not match): %w", err)
		}
		return header{}, fmt.Errorf("decoding header: %w", err)
	}
	if h.Version < oldestVersion || h.Version > formatVersion {
		return header{}, fmt.Errorf("format version %d, this build reads versions %d to %d (a corrupt header, "+
			"or a newer GoKD's file)", h.Version, oldestVersion, formatVersion)
	}
	if h.Version >= 2 {
		if !checked {
			return header{}, fmt.Errorf("header is corrupt: its CRC-32 does not match")
		}
		_, _ = r.Discard(headerCRCSize) // Peeked above.
		dataStart += headerCRCSize
	}
	if h.ByteOrder != hostByteOrder() {
		return header{}, fmt.Errorf("saved on a %s-endian host, cannot load on this %s-endian one", h.ByteOrder,
			hostByteOrder())
	}
	var offset int64
	for _, e := range h.Variables {
		shape, err := e.shape()
		if err != nil {
			return header{}, err
		}
		if e.Offset != offset || e.Length != shape.ByteSize() {
			return header{}, fmt.Errorf("variable %q of shape %s: %d bytes at offset %d, want %d at %d", e.Path,
				shape, e.Length, e.Offset, shape.ByteSize(), offset)
		}
		offset += e.Length
	}
	if dataStart+offset != fileSize {
		return header{}, fmt.Errorf("file has %d bytes, its header describes %d (truncated or corrupt)", fileSize,
			dataStart+offset)
	}
	return h, nil
}

// readValue reads the next variable's bytes from r into a new host tensor and verifies its checksum.
func readValue(r io.Reader, e variableEntry) (*tensors.Tensor, error) {
	shape, err := e.shape()
	if err != nil {
		return nil, err
	}
	value := tensors.FromShape(shape)
	var readErr error
	var checksum uint32
	err = value.MutableBytes(func(data []byte) {
		_, readErr = io.ReadFull(r, data)
		checksum = crc32.ChecksumIEEE(data)
	})
	if err == nil {
		err = readErr
	}
	if err != nil {
		return nil, fmt.Errorf("reading variable %q: %w", e.Path, err)
	}
	if checksum != e.CRC32 {
		return nil, fmt.Errorf("variable %q is corrupt: CRC-32 %08x, header says %08x", e.Path, checksum, e.CRC32)
	}
	return value, nil
}
