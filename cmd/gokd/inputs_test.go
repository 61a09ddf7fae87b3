package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets/volume"
)

// modelAndCase writes, in a new folder, the tiny student's model file for 16² slices and a 16×16×3 blob volume
// named name.
func modelAndCase(t *testing.T, name string) (dir, model, in string) {
	t.Helper()
	dir = t.TempDir()
	_, model = tinyStudent(t, dir, 16)
	in = filepath.Join(dir, name)
	writeBlob(t, in, 16, 16, 3)
	return dir, model, in
}

// writeWithNaN writes the blob volume of writeBlob with its first n voxels set to NaN.
func writeWithNaN(t *testing.T, path string, n int, dims ...int) {
	t.Helper()
	writeBlob(t, path, dims...)
	v, err := volume.ReadVolume(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		v.Data[i] = float32(math.NaN())
	}
	if err := volume.NewNIfTIWriter(v).Write(path); err != nil {
		t.Fatal(err)
	}
}

// TestSegmentNonFiniteInput: one NaN voxel gives the clean volume's mask with a warning that counts it (before:
// an empty mask, exit 0, no word); an all-NaN volume is refused with exit 4 and nothing written.
func TestSegmentNonFiniteInput(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	clean, one, all := filepath.Join(dir, "clean.nii"), filepath.Join(dir, "one.nii"), filepath.Join(dir, "all.nii")
	writeBlob(t, clean, 16, 16, 3)
	writeWithNaN(t, one, 1, 16, 16, 3)
	writeWithNaN(t, all, 16*16*3, 16, 16, 3)
	var want, got segmentReport
	code, stdout, stderr := run("segment", "-model", model, "-in", clean, "-json")
	if code != 0 || json.Unmarshal([]byte(stdout), &want) != nil || want.ForegroundVoxels == 0 {
		t.Fatalf("clean: exit %d, %s %s", code, stdout, stderr)
	}
	code, stdout, stderr = run("segment", "-model", model, "-in", one, "-json")
	if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil || got.NonFiniteVoxels != 1 ||
		math.Abs(float64(got.ForegroundVoxels-want.ForegroundVoxels)) > 0.01*float64(want.ForegroundVoxels) ||
		!strings.Contains(stderr, "1 voxels are NaN or infinite") {
		t.Errorf("one NaN voxel: exit %d, %+v (clean %d foreground voxels), %q", code, got, want.ForegroundVoxels, stderr)
	}
	code, _, stderr = run("segment", "-model", model, "-in", all)
	if _, err := os.Stat(filepath.Join(dir, "all_seg.nii")); code != exitFormat || !strings.Contains(stderr, all) ||
		err == nil {
		t.Errorf("all NaN: exit %d, %q, output written: %v", code, stderr, err == nil)
	}
}

// TestSegmentDegenerateGeometry: a singular sform without qform is refused with exit 4; before, "axes LP?" and
// "0.00 mL".
func TestSegmentDegenerateGeometry(t *testing.T) {
	_, model, in := modelAndCase(t, "singular.nii")
	v, err := volume.ReadVolume(in)
	if err != nil {
		t.Fatal(err)
	}
	v.Affine[2] = [4]float64{0, 0, 0, 7}
	if err := volume.NewNIfTIWriter(v).TransformCodes(0, volume.XFormAligned).Write(in); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("segment", "-model", model, "-in", in)
	if code != exitFormat || !strings.Contains(stderr, "singular") || strings.Contains(stdout, "mL") {
		t.Errorf("singular sform: exit %d, %q %q", code, stdout, stderr)
	}
}

// TestModelChecksumCommands: gokd info verifies the weights (before: a full description, exit 0, for corrupt
// weights) and gokd segment refuses a header changed by one bit; a folder as -model says it is a folder.
func TestModelChecksumCommands(t *testing.T) {
	dir, model, in := modelAndCase(t, "case.nii")
	good, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := run("info", model); code != 0 || !strings.Contains(stdout, "checksums verified") {
		t.Errorf("sound model: exit %d, %s", code, stdout)
	}
	weights := bytes.Clone(good)
	weights[len(weights)-2] ^= 0x08
	if err := os.WriteFile(model, weights, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run("info", model); code != exitModel || stdout != "" || !strings.Contains(stderr, "corrupt") {
		t.Errorf("corrupt weights: exit %d, %q %q", code, stdout, stderr)
	}
	field := []byte(`"clip_high_percentile":99`)
	header := bytes.Clone(good)
	header[bytes.Index(header, field)+len(field)-1] ^= 0x01 // 99 → 98.
	if err := os.WriteFile(model, header, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("segment", "-model", model, "-in", in); code != exitModel || !strings.Contains(stderr, "CRC-32") {
		t.Errorf("clip percentile changed: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("segment", "-model", dir, "-in", in); code != exitModel || !strings.Contains(stderr, "is a directory") {
		t.Errorf("folder as -model: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "case_seg.nii")); err == nil {
		t.Error("an output was written")
	}
}

// TestSmallRefusals: -frame -7, positional arguments of commands that take none, -h of every command (exit 0),
// and -batch beyond the volume (capped, exit 0).
func TestSmallRefusals(t *testing.T) {
	dir, model, in := modelAndCase(t, "case.nii")
	cfg := filepath.Join(dir, "cfg.json")
	if err := os.WriteFile(cfg, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"segment", "-model", model, "-in", in, "-frame", "-7"},
		{"experiment", cfg},
		{"export", "-out", filepath.Join(dir, "m.gokd"), cfg},
		{"backend", "extra"},
		{"info", model, "extra"},
	} {
		if code, _, stderr := run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	for name := range subcommands {
		if code, _, stderr := run(name, "-h"); code != exitOK || !strings.Contains(stderr, "usage: gokd "+name) {
			t.Errorf("%s -h: exit %d, %q", name, code, stderr)
		}
	}
	if code, _, stderr := run("segment", "-model", model, "-in", in, "-batch", "1000"); code != 0 {
		t.Errorf("-batch 1000: exit %d, %s", code, stderr)
	}
}

// reportWatcher is a stdout that checks, at each report, which outputs exist already.
type reportWatcher struct {
	t       *testing.T
	outputs []string
	reports int
}

// Write implements io.Writer: the n-th report must come before the (n+1)-th volume is written.
func (w *reportWatcher) Write(p []byte) (int, error) {
	if strings.HasPrefix(string(p), "model ") {
		if w.reports+1 < len(w.outputs) {
			if _, err := os.Stat(w.outputs[w.reports+1]); err == nil {
				w.t.Errorf("report %d printed after volume %d was done", w.reports+1, w.reports+2)
			}
		}
		w.reports++
	}
	return len(p), nil
}

// TestReportsAsVolumesComplete: each volume's report is printed when it is done, not after all of them.
func TestReportsAsVolumesComplete(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	var args []string
	w := &reportWatcher{t: t}
	for _, name := range []string{"a", "b", "c"} {
		in := filepath.Join(dir, name+".nii")
		writeBlob(t, in, 16, 16, 3)
		args, w.outputs = append(args, "-in", in), append(w.outputs, filepath.Join(dir, name+"_seg.nii"))
	}
	var stderr bytes.Buffer
	code := dispatch(append([]string{"segment", "-backend", "go", "-model", model}, args...), w, &stderr)
	if code != 0 || w.reports != 3 {
		t.Errorf("exit %d, %d reports: %s", code, w.reports, stderr.String())
	}
}
