package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gokd/gokd/datasets/volume"
)

// ErrOutputExists is wrapped by [WriteLabels]'s error when the output exists and overwriting was not asked for.
var ErrOutputExists = errors.New("output exists")

// ErrUnsupportedOutput is wrapped by [WriteLabels]'s error for an output name of an unknown format.
var ErrUnsupportedOutput = errors.New("unsupported output format")

// LabelsTag is the description that [WriteLabels] writes into its files' headers (NIfTI descrip, MetaImage
// Comment): what tells GoKD's label volumes from images, whatever their names (see [IsLabels]).
const LabelsTag = "GoKD segmentation labels"

// OutputFiles returns the files that [WriteLabels] writes for path: path itself, and for a ".mhd" header the
// ".zraw" data file it names, beside it. Each counts as an output: an existing one is replaced only when
// overwriting is asked for.
func OutputFiles(path string) []string {
	if lower := strings.ToLower(path); strings.HasSuffix(lower, ".mhd") {
		return []string{path, path[:len(path)-len(".mhd")] + ".zraw"}
	}
	return []string{path}
}

// IsLabels reports whether the volume file at path is one that [WriteLabels] wrote: its header holds [LabelsTag].
// An unreadable header is not.
func IsLabels(path string) bool {
	info, err := volume.ReadHeaderInfo(path)
	return err == nil && info.Description == LabelsTag
}

// WriteLabels writes a label volume as uint8 voxels: NIfTI-1 for ".nii" and ".nii.gz" (sform and qform from its
// affine), compressed MetaImage for ".mha" and ".mhd" (whose data goes to a ".zraw" beside it), with [LabelsTag]
// in the header. Nothing is written on error: the files are written in a temporary folder beside path and
// renamed into place (the data file of a ".mhd" first). An existing output file ([OutputFiles]: a ".mhd"'s data
// file too) is an error wrapping [ErrOutputExists] unless overwrite is set.
func WriteLabels(labels *volume.Volume, path string, overwrite bool) (err error) {
	lower := strings.ToLower(path)
	var write func(string) error
	switch {
	case strings.HasSuffix(lower, ".nii"), strings.HasSuffix(lower, ".nii.gz"):
		write = volume.NewNIfTIWriter(labels).Datatype(volume.Uint8).Description(LabelsTag).Write
	case strings.HasSuffix(lower, ".mha"), strings.HasSuffix(lower, ".mhd"):
		write = volume.NewMetaImageWriter(labels).Datatype(volume.Uint8).Compress(true).Comment(LabelsTag).Write
	default:
		return fmt.Errorf("deploy: writing %s: %w %q (want .nii, .nii.gz, .mha or .mhd)", path, ErrUnsupportedOutput,
			filepath.Ext(path))
	}
	for _, file := range OutputFiles(path) {
		if _, err := os.Lstat(file); err == nil && !overwrite {
			return fmt.Errorf("deploy: writing %s: %s %w (use -force to replace it)", path, file, ErrOutputExists)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("deploy: writing %s: %w", path, err)
		}
	}
	dir := filepath.Dir(path)
	tmp, err := os.MkdirTemp(dir, ".gokd-write-*")
	if err != nil {
		return fmt.Errorf("deploy: writing %s: %w", path, err)
	}
	defer func() { _ = os.RemoveAll(tmp) }() // Empty once everything is renamed; the leftovers of a failure.
	staged := filepath.Join(tmp, filepath.Base(path))
	if err := write(staged); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("deploy: writing %s: %w", path, err)
	}
	// The named file last: a reader never sees a .mhd header without its data.
	for _, e := range entries {
		if e.Name() != filepath.Base(path) {
			if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("deploy: writing %s: %w", path, err)
			}
		}
	}
	if err := os.Rename(staged, path); err != nil {
		return fmt.Errorf("deploy: writing %s: %w", path, err)
	}
	return nil
}
