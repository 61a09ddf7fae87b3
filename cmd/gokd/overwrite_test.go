package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets/volume"
)

// fileBytes returns the contents of path ("" when unreadable).
func fileBytes(t *testing.T, path string) string {
	t.Helper()
	b, _ := os.ReadFile(path)
	return string(b)
}

// TestNeverWritesOverAnInput: an output that is an input — same name, or another name for the same inode (a
// hard link) — is refused even with -force, for segment and export; before, the MRI was replaced by its mask.
func TestNeverWritesOverAnInput(t *testing.T) {
	dir, model, in := modelAndCase(t, "case.nii.gz")
	link := filepath.Join(dir, "linked.nii.gz")
	if err := os.Link(in, link); err != nil {
		t.Fatal(err)
	}
	truth := filepath.Join(dir, "truth.nii.gz")
	writeBlob(t, truth, 16, 16, 3)
	original := fileBytes(t, in)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"same name", []string{"segment", "-model", model, "-in", in, "-out", in, "-force"}},
		{"hard link", []string{"segment", "-model", model, "-in", in, "-out", link, "-force"}},
		{"the truth", []string{"segment", "-model", model, "-in", in, "-out", truth, "-truth", truth, "-force"}},
		{"export over the image", []string{"export", "-image", in, "-mask", truth, "-out", in, "-force"}},
	} {
		code, _, stderr := run(c.args...)
		if code != exitUsage || !strings.Contains(stderr, "never writes over") {
			t.Errorf("%s: exit %d, %q; want %d", c.name, code, stderr, exitUsage)
		}
	}
	if fileBytes(t, in) != original {
		t.Error("the input was overwritten")
	}
}

// TestMetaImageDataFileIsAnOutput: -out seg.mhd with an existing seg.zraw is refused without -force (before, the
// data file was replaced), and the .mhd data file of an input is protected like the input.
func TestMetaImageDataFileIsAnOutput(t *testing.T) {
	dir, model, in := modelAndCase(t, "case.nii")
	zraw := filepath.Join(dir, "seg.zraw")
	if err := os.WriteFile(zraw, []byte("someone's data"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run("segment", "-model", model, "-in", in, "-out", filepath.Join(dir, "seg.mhd"))
	if code != exitExists || !strings.Contains(stderr, zraw) || fileBytes(t, zraw) != "someone's data" {
		t.Errorf("existing seg.zraw: exit %d, %q", code, stderr)
	}

	// An input image.mhd whose data is image.zraw: writing labels to image.mhd would replace both.
	v, err := volume.ReadVolume(in)
	if err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(dir, "image.mhd")
	if err := volume.NewMetaImageWriter(v).Compress(true).Write(image); err != nil {
		t.Fatal(err)
	}
	data := fileBytes(t, filepath.Join(dir, "image.zraw"))
	code, _, stderr = run("segment", "-model", model, "-in", image, "-out", image, "-force")
	if code != exitUsage || fileBytes(t, filepath.Join(dir, "image.zraw")) != data {
		t.Errorf("output over the input's data file: exit %d, %q", code, stderr)
	}
}

// TestFolderSkipsItsOutputs runs gokd segment twice on a folder: the second run does not segment the first's
// outputs (before: *_seg_seg.nii.gz), recognised by name and, renamed, by the tag in their headers.
func TestFolderSkipsItsOutputs(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	folder := filepath.Join(dir, "cases")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBlob(t, filepath.Join(folder, "a.nii.gz"), 16, 16, 3)
	writeBlob(t, filepath.Join(folder, "b.nii"), 16, 16, 3)
	if code, _, stderr := run("segment", "-model", model, "-in", folder); code != 0 {
		t.Fatalf("first run: exit %d, %s", code, stderr)
	}
	if err := os.Rename(filepath.Join(folder, "b_seg.nii"), filepath.Join(folder, "renamed.nii")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("segment", "-model", model, "-in", folder, "-force")
	if code != 0 || strings.Count(stdout, "output  ") != 2 || !strings.Contains(stderr, "2 earlier outputs") {
		t.Errorf("second run: exit %d, %s %s", code, stdout, stderr)
	}
	entries, _ := os.ReadDir(folder)
	for _, e := range entries {
		if strings.Contains(e.Name(), "_seg_seg") || strings.HasPrefix(e.Name(), "renamed_seg") {
			t.Errorf("an output was segmented: %s", e.Name())
		}
	}
}

// TestChecksBeforeWork: two inputs naming one output, a missing output folder, -truth with several inputs or off
// the input's grid are refused before anything is written (before: an empty folder was created, inference ran
// first, or the mask was written).
func TestChecksBeforeWork(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	a, b := filepath.Join(dir, "a.nii"), filepath.Join(dir, "elsewhere", "a.nii")
	if err := os.Mkdir(filepath.Dir(b), 0o755); err != nil {
		t.Fatal(err)
	}
	writeBlob(t, a, 16, 16, 3)
	writeBlob(t, b, 16, 16, 3)
	other := filepath.Join(dir, "other.nii")
	writeBlob(t, other, 16, 12, 3)
	folder := filepath.Join(dir, "cases")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBlob(t, filepath.Join(folder, "x.nii"), 16, 16, 3)
	writeBlob(t, filepath.Join(folder, "y.nii"), 16, 16, 3)
	newFolder, out := filepath.Join(dir, "new"), filepath.Join(dir, "out_seg.nii")
	for _, c := range []struct {
		name    string
		args    []string
		code    int
		message string
		absent  string
	}{
		{"one output for two inputs", []string{"-in", a, "-in", b, "-out", newFolder + "/"}, exitUsage,
			"would both write", newFolder},
		{"missing output folder", []string{"-in", a, "-out", filepath.Join(dir, "absent", "x.nii")}, exitMissing,
			"does not exist", filepath.Join(dir, "absent")},
		{"-truth with a folder", []string{"-in", folder, "-truth", a}, exitUsage, "exactly one input",
			filepath.Join(folder, "x_seg.nii")},
		{"-truth off the grid", []string{"-in", a, "-out", out, "-truth", other}, exitFormat, "not on the input's grid",
			out},
	} {
		code, _, stderr := run(append([]string{"segment", "-model", model}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.message) {
			t.Errorf("%s: exit %d, %q; want %d and %q", c.name, code, stderr, c.code, c.message)
		}
		if _, err := os.Stat(c.absent); err == nil {
			t.Errorf("%s: %s was written", c.name, c.absent)
		}
	}
}
