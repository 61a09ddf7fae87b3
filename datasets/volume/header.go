package volume

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Offsets and size of the NIfTI descrip field, the header's free-text description.
const (
	nifti1Descrip = 148
	nifti2Descrip = 240
	descripSize   = 80
)

// HeaderInfo is what a volume file's header says about the file itself, read without its voxels.
type HeaderInfo struct {
	// Description is the header's free text: NIfTI's descrip field or MetaImage's Comment line ("" when absent),
	// as [NIfTIWriter.Description] and [MetaImageWriter.Comment] write it.
	Description string
	// DataFiles are the other files that hold the voxels, as the reader finds them: the .img of a .hdr, or the
	// ElementDataFile of a MetaImage header (none for single files and LOCAL data).
	DataFiles []string
}

// ReadHeaderInfo reads the header of the volume file at path (chosen by name, as [ReadVolume] does) and returns
// what it says about the file, without reading the voxels.
func ReadHeaderInfo(path string) (HeaderInfo, error) {
	lower := strings.ToLower(path)
	var info HeaderInfo
	var err error
	switch {
	case strings.HasSuffix(lower, ".nii"), strings.HasSuffix(lower, ".nii.gz"),
		strings.HasSuffix(lower, ".hdr"), strings.HasSuffix(lower, ".hdr.gz"):
		info, err = niftiHeaderInfo(path)
	case strings.HasSuffix(lower, ".mha"), strings.HasSuffix(lower, ".mhd"):
		info, err = metaImageHeaderInfo(path)
	default:
		err = fmt.Errorf("unknown file type %q (want .nii, .nii.gz, .hdr, .mha or .mhd)", filepath.Ext(path))
	}
	if err != nil {
		return HeaderInfo{}, fmt.Errorf("volume: reading the header of %s: %w", path, err)
	}
	return info, nil
}

// niftiHeaderInfo reads the descrip field of a NIfTI-1 or NIfTI-2 header, and whether its data lies apart.
func niftiHeaderInfo(path string) (HeaderInfo, error) {
	r, closeFile, err := openMaybeGzip(path)
	if err != nil {
		return HeaderInfo{}, err
	}
	defer closeFile()
	head := make([]byte, nifti2HeaderSize)
	n, err := io.ReadFull(r, head)
	if err != nil && n < nifti1HeaderSize {
		return HeaderInfo{}, fmt.Errorf("header truncated: %w", err)
	}
	h, err := parseNIfTIHeader(head[:n])
	if err != nil {
		return HeaderInfo{}, err
	}
	offset := nifti1Descrip
	if h.version == 2 {
		offset = nifti2Descrip
	}
	field := head[offset : offset+descripSize]
	if end := bytes.IndexByte(field, 0); end >= 0 {
		field = field[:end]
	}
	info := HeaderInfo{Description: string(field)}
	if h.pairFile {
		info.DataFiles = []string{pairImagePath(path)}
	}
	return info, nil
}

// metaImageHeaderInfo reads the Comment line and the data file of a MetaImage header.
func metaImageHeaderInfo(path string) (HeaderInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return HeaderInfo{}, err
	}
	defer func() { _ = f.Close() }() // Read-only.
	h, err := parseMetaHeader(bufio.NewReader(f))
	if err != nil {
		return HeaderInfo{}, err
	}
	info := HeaderInfo{Description: h.comment}
	if !strings.EqualFold(h.dataFile, "LOCAL") {
		info.DataFiles = []string{metaDataPath(path, h.dataFile)}
	}
	return info, nil
}

// metaDataPath resolves a MetaImage header's ElementDataFile: relative names are beside the header.
func metaDataPath(headerPath, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(headerPath), name)
}
