package deploy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/gomlx/core/tensors"
)

// netWeights returns every variable of m's store as flat float32 values, by path.
func netWeights(t *testing.T, m *inference.Model) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range m.Store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		flat, err := tensors.CopyFlatData[float32](value)
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = flat
	}
	return out
}

// TestSaveLoadRoundTrip writes a model file and loads it: the same architecture, weights and description.
func TestSaveLoadRoundTrip(t *testing.T) {
	b := goBackend(t)
	m := tinyModel(t, b, 1)
	path := filepath.Join(t.TempDir(), "tiny.gokd")
	d := Description{Role: "student", Preprocessing: DefaultPreprocessing(32),
		Provenance: Provenance{ConfigHash: "abc", Data: "unit test", Steps: 3, Metrics: ckpt.Metrics{"test_dice": 0.5}}}
	if err := Save(path, m, d); err != nil {
		t.Fatal(err)
	}
	got, err := Load(b, path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != Format || got.Version != FormatVersion || got.Name != "tiny" || got.Role != "student" ||
		got.Parameters != m.ParamCount() || got.Provenance.Metrics["test_dice"] != 0.5 ||
		got.Preprocessing != DefaultPreprocessing(32) || got.Net.Net.String() != m.Net.String() {
		t.Errorf("description %+v", got.Description)
	}
	want, have := netWeights(t, m), netWeights(t, got.Net)
	if len(want) != len(have) {
		t.Fatalf("%d variables, want %d", len(have), len(want))
	}
	for p, w := range want {
		if !slices.Equal(have[p], w) {
			t.Errorf("variable %s differs after the round trip", p)
		}
	}
}

// TestLoadRefusals checks each file that is not a usable model: missing, not a checkpoint, a training
// checkpoint, a newer format, and weights of another architecture.
func TestLoadRefusals(t *testing.T) {
	b := goBackend(t)
	dir := t.TempDir()
	m := tinyModel(t, b, 1)

	if _, err := Load(b, filepath.Join(dir, "absent.gokd")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	text := filepath.Join(dir, "notes.gokd")
	if err := os.WriteFile(text, []byte("just some text, long enough to have a header length"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(b, text); !errors.Is(err, ErrNotModel) {
		t.Errorf("text file: %v", err)
	}
	trainDir := filepath.Join(dir, "run")
	if err := m.Save(trainDir); err != nil {
		t.Fatal(err)
	}
	_, err := Load(b, filepath.Join(trainDir, ckpt.FileName))
	if !errors.Is(err, ErrNotModel) || !strings.Contains(err.Error(), "training checkpoint") {
		t.Errorf("training checkpoint: %v", err)
	}

	// Weights of the tiny student under the description of the default teacher.
	other := filepath.Join(dir, "other.gokd")
	d := Description{Format: Format, Version: FormatVersion, Name: "forged", Architecture: nets.Teacher().Architecture(),
		Preprocessing: DefaultPreprocessing(32)}
	meta, err := ckpt.Metadata{}.WithConfig(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := ckpt.File(other).Metadata(meta).Save(m.Store); err != nil {
		t.Fatal(err)
	}
	var archErr *ckpt.ArchitectureError
	if _, err := Load(b, other); !errors.As(err, &archErr) || len(archErr.Problems) == 0 {
		t.Errorf("other architecture: %v", err)
	}

	d.Architecture, d.Version = m.Net.Architecture(), FormatVersion+1
	if meta, err = (ckpt.Metadata{}).WithConfig(d); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.gokd")
	if err := ckpt.File(newer).Metadata(meta).Save(m.Store); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(b, newer); err == nil || !strings.Contains(err.Error(), "format version") {
		t.Errorf("newer format: %v", err)
	}
}
