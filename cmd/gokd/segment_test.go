package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/deploy"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
)

// run runs gokd with args, returning the exit code, stdout and stderr.
// segment runs on the Go backend, as the static binary does (a cgo test binary would otherwise pick XLA's CPU
// plugin when installed, whose float rounding may flip an argmax tie against the library's Go-backend prediction).
func run(args ...string) (int, string, string) {
	if len(args) > 0 && args[0] == "segment" && !slices.Contains(args, "-backend") {
		args = append([]string{"segment", "-backend", backend.Go}, args[1:]...)
	}
	var stdout, stderr bytes.Buffer
	code := dispatch(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// tinyStudent returns an untrained, seeded small student and writes it as a model file for slices of size².
func tinyStudent(t *testing.T, dir string, size int) (*inference.Model, string) {
	t.Helper()
	b, err := backend.New(backend.Go)
	if err != nil {
		t.Fatal(err)
	}
	m, err := inference.NewModel(b, "tiny-student", nets.NewConfig().Levels(2).BaseWidth(4).Conv(nets.ConvSeparable).Stem(2), 7)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tiny.gokd")
	if err := deploy.Save(path, m, deploy.Description{Role: "student", Preprocessing: deploy.DefaultPreprocessing(size),
		Provenance: deploy.Provenance{Data: "none: untrained"}}); err != nil {
		t.Fatal(err)
	}
	return m, path
}

// writeBlob writes a small volume (a bright blob in a ramp) with the given dims (3 or 4 axes).
func writeBlob(t *testing.T, path string, dims ...int) {
	t.Helper()
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := &volume.Volume{Dims: dims, Spacing: slices.Repeat([]float64{0.8}, len(dims)), Data: make([]float32, n)}
	v.Affine = [4][4]float64{{-0.8, 0, 0, 5}, {0, -0.8, 0, 6}, {0, 0, 0.8, 7}, {0, 0, 0, 1}}
	for i := range v.Data {
		x, y := i%dims[0], (i/dims[0])%dims[1]
		v.Data[i] = float32(x + 2*y)
		if (x-dims[0]/2)*(x-dims[0]/2)+(y-dims[1]/2)*(y-dims[1]/2) < 16 {
			v.Data[i] += 100
		}
	}
	if err := volume.NewNIfTIWriter(v).Write(path); err != nil {
		t.Fatal(err)
	}
}

// TestSegmentCommand segments a volume: exit 0, the report's figures, an output on the input's grid; then as
// JSON, and a folder of inputs with two workers.
func TestSegmentCommand(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	in, out := filepath.Join(dir, "case.nii.gz"), filepath.Join(dir, "case_seg.nii.gz")
	writeBlob(t, in, 20, 18, 5)
	code, stdout, stderr := run("segment", "-model", model, "-in", in, "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"tiny-student", "20×18×5 voxels", "spacing 0.8×0.8×0.8 mm", "mL", "s per volume"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	input, _ := volume.ReadVolume(in)
	got, err := volume.ReadVolume(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Dims, input.Dims) || got.Affine != input.Affine {
		t.Errorf("output grid %v %v, input's %v %v", got.Dims, got.Affine, input.Dims, input.Affine)
	}

	code, stdout, stderr = run("segment", "-model", model, "-in", in, "-out", out, "-force", "-json")
	var report segmentReport
	if code != 0 || json.Unmarshal([]byte(stdout), &report) != nil || report.Slices != 5 || report.Model != "tiny-student" ||
		!slices.Equal(report.Dims, []int{20, 18, 5}) || report.Seconds <= 0 {
		t.Errorf("-json: exit %d, %q (%s)", code, stdout, stderr)
	}

	// Against its own previous output as the ground truth: Dice 1; against an empty mask: 0.
	code, stdout, stderr = run("segment", "-model", model, "-in", in, "-out", filepath.Join(dir, "again.nii"), "-json",
		"-truth", out)
	report = segmentReport{}
	if code != 0 || json.Unmarshal([]byte(stdout), &report) != nil || report.Dice == nil || *report.Dice != 1 {
		t.Errorf("-truth: exit %d, %q (%s)", code, stdout, stderr)
	}
	if report.ForegroundVoxels == 0 {
		t.Fatal("no foreground predicted: the Dice check is weak")
	}
	empty := filepath.Join(dir, "empty.nii")
	if err := volume.NewNIfTIWriter(&volume.Volume{Dims: input.Dims, Spacing: input.Spacing, Affine: input.Affine,
		Data: make([]float32, len(input.Data))}).Write(empty); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = run("segment", "-model", model, "-in", in, "-out", filepath.Join(dir, "again.nii"), "-force",
		"-truth", empty)
	if code != 0 || !strings.Contains(stdout, "dice    0.0000") {
		t.Errorf("-truth empty: exit %d, %q", code, stdout)
	}

	folder, outs := filepath.Join(dir, "many"), filepath.Join(dir, "segs")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBlob(t, filepath.Join(folder, "a.nii"), 16, 16, 3)
	writeBlob(t, filepath.Join(folder, "b.nii.gz"), 20, 18, 4)
	if err := volume.NewMetaImageWriter(input).Write(filepath.Join(folder, "c.mha")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run("segment", "-model", model, "-in", folder, "-out", outs, "-workers", "2", "-json")
	if code != 0 || strings.Count(stdout, "\n") != 3 {
		t.Fatalf("folder: exit %d, %s %s", code, stdout, stderr)
	}
	for _, name := range []string{"a_seg.nii", "b_seg.nii.gz", "c_seg.mha"} {
		if _, err := volume.ReadVolume(filepath.Join(outs, name)); err != nil {
			t.Error(err)
		}
	}
}

// TestSegmentBadInputs runs every bad input: the exit code, a one-line message naming the problem, and no
// output file.
func TestSegmentBadInputs(t *testing.T) {
	dir := t.TempDir()
	m, model := tinyStudent(t, dir, 16)
	good := filepath.Join(dir, "good.nii")
	writeBlob(t, good, 16, 16, 3)
	four := filepath.Join(dir, "four.nii.gz")
	writeBlob(t, four, 16, 16, 3, 2)
	corrupt := filepath.Join(dir, "corrupt.nii.gz")
	if err := os.WriteFile(corrupt, []byte("this is not gzip, nor NIfTI"), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.nii")
	blob, _ := os.ReadFile(good)
	if err := os.WriteFile(truncated, blob[:len(blob)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	badMeta := filepath.Join(dir, "bad.mha")
	if err := os.WriteFile(badMeta, []byte("NDims = 3\nDimSize = 4 4\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "image.png")
	if err := os.WriteFile(png, []byte("\x89PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "text.gokd")
	if err := os.WriteFile(text, []byte("a text file pretending to be a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	trainDir := filepath.Join(dir, "run")
	if err := m.Save(trainDir); err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "forged.gokd")
	meta, err := ckpt.Metadata{}.WithConfig(deploy.Description{Format: deploy.Format, Version: deploy.FormatVersion,
		Name: "forged", Architecture: nets.Teacher().Architecture(), Preprocessing: deploy.DefaultPreprocessing(16)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ckpt.File(forged).Metadata(meta).Save(m.Store); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing_seg.nii")
	if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out_seg.nii.gz")
	cases := []struct {
		name    string
		args    []string
		code    int
		message string
		output  string // The file that must not exist afterwards ("" : out).
	}{
		{"no model", []string{"-in", good, "-out", out}, exitUsage, "need -model", ""},
		{"unknown flag", []string{"-model", model, "-in", good, "-bogus"}, exitUsage, "flag provided but not defined", ""},
		{"missing input", []string{"-model", model, "-in", filepath.Join(dir, "absent.nii"), "-out", out}, exitMissing,
			"no such file", ""},
		{"missing model", []string{"-model", filepath.Join(dir, "absent.gokd"), "-in", good, "-out", out}, exitMissing,
			"no such file", ""},
		{"corrupt gzip", []string{"-model", model, "-in", corrupt, "-out", out}, exitFormat, "corrupt.nii.gz", ""},
		{"truncated NIfTI", []string{"-model", model, "-in", truncated, "-out", out}, exitFormat, "truncated.nii", ""},
		{"bad MetaImage header", []string{"-model", model, "-in", badMeta, "-out", out}, exitFormat, "DimSize", ""},
		{"unsupported input", []string{"-model", model, "-in", png, "-out", out}, exitFormat, "unknown file type", ""},
		{"unsupported output", []string{"-model", model, "-in", good, "-out", filepath.Join(dir, "x.png")}, exitFormat,
			"unsupported output format", filepath.Join(dir, "x.png")},
		{"text model", []string{"-model", text, "-in", good, "-out", out}, exitModel, "not a GoKD model file", ""},
		{"training checkpoint", []string{"-model", filepath.Join(trainDir, ckpt.FileName), "-in", good, "-out", out},
			exitModel, "training checkpoint", ""},
		{"other architecture", []string{"-model", forged, "-in", good, "-out", out}, exitModel,
			"do not match the model's architecture", ""},
		{"4D without frame", []string{"-model", model, "-in", four, "-out", out}, exitFrame, "choose a frame", ""},
		{"frame out of range", []string{"-model", model, "-in", four, "-frame", "2", "-out", out}, exitFrame,
			"no frame 2", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(append([]string{"segment"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, c.message) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, c.code, c.message)
			}
			if c.code != exitUsage && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("message is not one line: %q", stderr)
			}
			output := c.output
			if output == "" {
				output = out
			}
			if _, err := os.Stat(output); err == nil {
				t.Errorf("%s was written", output)
			}
		})
	}

	// An existing output: refused and untouched without -force, replaced with it.
	code, _, stderr := run("segment", "-model", model, "-in", good, "-out", existing)
	if kept, _ := os.ReadFile(existing); code != exitExists || !strings.Contains(stderr, "-force") || string(kept) != "keep me" {
		t.Errorf("existing output: exit %d, %q, file %q", code, stderr, kept)
	}
	if code, _, stderr := run("segment", "-model", model, "-in", good, "-out", existing, "-force"); code != 0 {
		t.Errorf("-force: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run("segment", "-model", model, "-in", four, "-frame", "1", "-out", out); code != 0 {
		t.Errorf("4D with -frame 1: exit %d, %s", code, stderr)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".gokd-write-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestInfoCommand prints a model file's description, as text and JSON, and refuses what is not one.
func TestInfoCommand(t *testing.T) {
	dir := t.TempDir()
	_, model := tinyStudent(t, dir, 16)
	code, stdout, stderr := run("info", model)
	if code != 0 || !strings.Contains(stdout, "tiny-student (student)") || !strings.Contains(stdout, "16×16") {
		t.Errorf("exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, _ = run("info", "-json", model)
	var d deploy.Description
	if code != 0 || json.Unmarshal([]byte(stdout), &d) != nil || d.Name != "tiny-student" || d.Parameters == 0 {
		t.Errorf("-json: exit %d: %s", code, stdout)
	}
	if code, _, stderr := run("info", filepath.Join(dir, "absent.gokd")); code != exitMissing {
		t.Errorf("missing: exit %d %s", code, stderr)
	}
	if code, _, stderr := run("info", filepath.Join(dir)); code != exitModel && code != exitMissing {
		t.Errorf("folder: exit %d %s", code, stderr)
	}
	if code, _, _ := run("info"); code != exitUsage {
		t.Errorf("no argument: exit %d", code)
	}
}

// TestRealCaseRoundTrip segments the shared real case and a copy stored with flipped and permuted axes: each
// output has its input's dims and affine exactly and matches, voxel for voxel, the library's prediction of the
// same model on the case prepared by the training loader.
func TestRealCaseRoundTrip(t *testing.T) {
	image, mask, err := shared.RealCase(".")
	if err != nil {
		t.Skipf("real prostate case not available: %v", err)
	}
	dir := t.TempDir()
	m, model := tinyStudent(t, dir, 128)
	out := filepath.Join(dir, "case_seg.nii.gz")
	if code, _, stderr := run("segment", "-model", model, "-in", image, "-out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	input, err := volume.ReadVolume(image)
	if err != nil {
		t.Fatal(err)
	}
	got, err := volume.ReadVolume(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Dims, input.Dims) || got.Affine != input.Affine {
		t.Fatalf("output grid %v %v, input's %v %v", got.Dims, got.Affine, input.Dims, input.Affine)
	}

	// The library: the training loader's stack, the predictor, the labels restored to the grid.
	st, err := prostate.New().Size(128).LoadPairStack(image, mask, "PROMISE12", "Case00")
	if err != nil {
		t.Fatal(err)
	}
	samples, err := st.Samples(1, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := backend.New(backend.Go)
	predictor, err := m.NewPredictor(b)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := predictor.Predict(samples, 8)
	if err != nil {
		t.Fatal(err)
	}
	labels := slices.Concat(maps...)
	want, err := prostate.RestoreLabels(labels, 128, input)
	if err != nil {
		t.Fatal(err)
	}
	foreground := 0
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("voxel %d: command %g, library %g", i, got.Data[i], want.Data[i])
		}
		if want.Data[i] != 0 {
			foreground++
		}
	}
	if foreground == 0 || foreground == len(want.Data) {
		t.Fatalf("the untrained model predicts one class everywhere (%d foreground): the comparison is weak", foreground)
	}

	// A copy with axes permuted (x↔z) and flipped (y), with the matching affine.
	nx, ny, nz := input.Dims[0], input.Dims[1], input.Dims[2]
	c := &volume.Volume{Dims: []int{nz, ny, nx}, Spacing: []float64{input.Spacing[2], input.Spacing[1], input.Spacing[0]},
		Data: make([]float32, len(input.Data))}
	for k := range nx {
		for j := range ny {
			for i := range nz {
				c.Data[(k*ny+j)*nz+i] = input.At(k, ny-1-j, i) // New (i, j, k) is old (k, ny-1-j, i).
			}
		}
	}
	for r := range 3 {
		c.Affine[r] = [4]float64{input.Affine[r][2], -input.Affine[r][1], input.Affine[r][0],
			input.Affine[r][3] + input.Affine[r][1]*float64(ny-1)}
	}
	c.Affine[3] = [4]float64{0, 0, 0, 1}
	copyPath, copyOut := filepath.Join(dir, "copy.nii.gz"), filepath.Join(dir, "copy_seg.nii.gz")
	if err := volume.NewNIfTIWriter(c).Write(copyPath); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("segment", "-model", model, "-in", copyPath, "-out", copyOut); code != 0 {
		t.Fatalf("copy: exit %d: %s", code, stderr)
	}
	copyIn, _ := volume.ReadVolume(copyPath)
	copyGot, err := volume.ReadVolume(copyOut)
	if err != nil {
		t.Fatal(err)
	}
	if copyIn.AxisCodes() == input.AxisCodes() || !slices.Equal(copyGot.Dims, copyIn.Dims) || copyGot.Affine != copyIn.Affine {
		t.Fatalf("copy (%s, input %s): output grid %v %v, want %v %v", copyIn.AxisCodes(), input.AxisCodes(),
			copyGot.Dims, copyGot.Affine, copyIn.Dims, copyIn.Affine)
	}
	for k := range nx {
		for j := range ny {
			for i := range nz {
				if a, b := copyGot.Data[(k*ny+j)*nz+i], got.At(k, ny-1-j, i); a != b {
					t.Fatalf("copy voxel (%d,%d,%d) is %g, the original's (%d,%d,%d) %g", i, j, k, a, k, ny-1-j, i, b)
				}
			}
		}
	}
}
