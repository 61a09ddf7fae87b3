package ckpt

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// variableSpec is one variable of the tiny test architecture.
type variableSpec struct {
	scope, name string
	shape       shapes.Shape
	trainable   bool
}

// tinyArchitecture is a small model's variables: a conv kernel and bias, a dense layer in float64, an int32 table,
// an empty tensor, and non-trainable state (a batch-norm mean, an optimizer moment, the global step).
func tinyArchitecture() []variableSpec {
	return []variableSpec{
		{"/conv", "weights", shapes.Make(dtypes.Float32, 3, 3, 1, 4), true},
		{"/conv", "bias", shapes.Make(dtypes.Float32, 4), true},
		{"/dense", "weights", shapes.Make(dtypes.Float64, 4, 2), true},
		{"/dense", "empty", shapes.Make(dtypes.Float32, 0, 2), true},
		{"/lookup", "table", shapes.Make(dtypes.Int32, 5), true},
		{"/norm", "mean", shapes.Make(dtypes.Float16, 4), false},
		{"/AdamOptimizer/conv", "weights_1st_moment", shapes.Make(dtypes.Float32, 3, 3, 1, 4), false},
		{"/", "global_step", shapes.Make(dtypes.Int64), false},
	}
}

// buildStore creates the given variables in a fresh store through model.Scope, filled with random bytes (so float
// values include NaN payloads, negative zeros and subnormals: a bitwise round trip must keep them all), or zeros.
func buildStore(t *testing.T, specs []variableSpec, rng *rand.Rand) *model.Store {
	t.Helper()
	store := model.NewStore()
	for _, spec := range specs {
		value := tensors.FromShape(spec.shape)
		if rng != nil {
			if err := value.MutableBytes(func(data []byte) {
				for i := range data {
					data[i] = byte(rng.UintN(256))
				}
			}); err != nil {
				t.Fatal(err)
			}
		}
		v, err := store.Scope(spec.scope).CreateVariable(spec.name, value)
		if err != nil {
			t.Fatal(err)
		}
		v.SetTrainable(spec.trainable)
	}
	return store
}

// storeBytes maps each variable's path to a copy of its raw bytes.
func storeBytes(t *testing.T, store *model.Store) map[string][]byte {
	t.Helper()
	all := make(map[string][]byte)
	for v := range store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		if err := value.ConstBytes(func(data []byte) { all[v.Path()] = bytes.Clone(data) }); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

func assertSameBytes(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d variables, want %d", len(got), len(want))
	}
	for path, w := range want {
		if g, found := got[path]; !found || !bytes.Equal(g, w) {
			t.Errorf("variable %q: bytes differ after the round trip (found=%v)", path, found)
		}
	}
}

func TestRoundTripIsBitwise(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run", "ckpt") // Save creates missing directories.
	saved := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(1, 2)))
	meta, err := Metadata{Step: 1234, Metrics: Metrics{"dice": 0.87, "hd95": math.Inf(1), "precision": math.NaN()}}.
		WithConfig(map[string]any{"student": "unet-small", "temperature": 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := Dir(dir).Metadata(meta).Save(saved.RootScope().In("conv")); err != nil { // Any scope saves it all.
		t.Fatal(err)
	}

	restored := buildStore(t, tinyArchitecture(), nil) // Same architecture, zero values.
	gotMeta, err := Dir(dir).Load(restored)
	if err != nil {
		t.Fatal(err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, saved))
	if gotMeta.Step != 1234 || gotMeta.Metrics["dice"] != 0.87 || !math.IsInf(gotMeta.Metrics["hd95"], 1) ||
		!math.IsNaN(gotMeta.Metrics["precision"]) || !strings.Contains(string(gotMeta.Config), `"temperature":4`) {
		t.Errorf("metadata %+v (config %s) does not match what was saved", gotMeta, gotMeta.Config)
	}
	if fromDisk, err := ReadMetadata(dir); err != nil || fromDisk.Step != 1234 {
		t.Errorf("ReadMetadata = %+v, %v", fromDisk, err)
	}
	readable, err := os.ReadFile(filepath.Join(dir, MetadataFileName))
	if err != nil || !strings.Contains(string(readable), `"hd95": "+Inf"`) {
		t.Errorf("%s: %s (%v)", MetadataFileName, readable, err)
	}
}

// Training state is created only by the first training step: loading into a store holding just the model's
// weights must create the non-trainable checkpoint variables, keeping their trainability.
func TestLoadCreatesOptimizerStateTheModelLacks(t *testing.T) {
	dir := t.TempDir()
	saved := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(3, 4)))
	if err := Save(dir, saved); err != nil {
		t.Fatal(err)
	}
	var weightsOnly []variableSpec
	for _, spec := range tinyArchitecture() {
		if spec.trainable || spec.scope == "/norm" { // Batch-norm statistics belong to the model.
			weightsOnly = append(weightsOnly, spec)
		}
	}
	restored := buildStore(t, weightsOnly, nil)
	if err := Load(dir, restored); err != nil {
		t.Fatal(err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, saved))
	for _, path := range []string{"/AdamOptimizer/conv/weights_1st_moment", "/global_step"} {
		if v := restored.GetVariable(path); v == nil || v.Trainable {
			t.Errorf("%s: %v, want a restored non-trainable variable", path, v)
		}
	}
}

func TestLoadReportsArchitectureMismatches(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(5, 6)))); err != nil {
		t.Fatal(err)
	}
	changed := tinyArchitecture()
	changed[1].shape = shapes.Make(dtypes.Float32, 8)                    // Bias reshaped.
	changed[2].shape = shapes.Make(dtypes.Float32, 4, 2)                 // Dense weights in another dtype.
	changed[4] = variableSpec{"/lookup", "keys", changed[4].shape, true} // Table renamed: one missing, one extra.
	store := buildStore(t, changed, rand.New(rand.NewPCG(7, 8)))
	before := storeBytes(t, store)

	_, err := Dir(dir).Load(store)
	var archErr *ArchitectureError
	if !errors.As(err, &archErr) {
		t.Fatalf("Load = %v, want an *ArchitectureError", err)
	}
	for _, want := range []string{
		`"/conv/bias": the model's shape is (Float32)[8] but the checkpoint's is (Float32)[4]`,
		`"/dense/weights": the model's shape is (Float32)[4, 2] but the checkpoint's is (Float64)[4, 2]`,
		`"/lookup/keys": the model has it, shape (Int32)[5], but the checkpoint does not`,
		`"/lookup/table": the checkpoint has it, shape (Int32)[5], but the model does not`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if len(archErr.Problems) != 4 || archErr.NoModel {
		t.Errorf("problems %q (NoModel %v), want exactly those 4", archErr.Problems, archErr.NoModel)
	}
	assertSameBytes(t, storeBytes(t, store), before) // Nothing loaded when anything mismatches.
}

func TestLoadIntoUnbuiltStore(t *testing.T) {
	dir := t.TempDir()
	saved := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(9, 10)))
	if err := Save(dir, saved); err != nil {
		t.Fatal(err)
	}
	_, err := Dir(dir).Load(model.NewStore())
	var archErr *ArchitectureError
	if !errors.As(err, &archErr) || !archErr.NoModel || !strings.Contains(err.Error(), "CreateMissing") {
		t.Fatalf("loading into an empty store: %v, want an *ArchitectureError hinting at CreateMissing", err)
	}
	restored := model.NewStore()
	if _, err := Dir(dir).CreateMissing().Load(restored); err != nil {
		t.Fatal(err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, saved))
	if v := restored.GetVariable("/conv/weights"); v == nil || !v.Trainable {
		t.Errorf("/conv/weights restored as %v, want trainable", v)
	}
}

// failingWriter passes through budget bytes, then fails: a disk that fills up (or a crash) mid-save.
type failingWriter struct {
	w      io.Writer
	budget int
}

var errInjected = errors.New("injected write failure")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.budget {
		n, _ := f.w.Write(p[:f.budget])
		f.budget = 0
		return n, errInjected
	}
	f.budget -= len(p)
	return f.w.Write(p)
}

func TestFailedSaveKeepsPreviousCheckpoint(t *testing.T) {
	dir := t.TempDir()
	first := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(11, 12)))
	if err := Dir(dir).Metadata(Metadata{Step: 1}).Save(first); err != nil {
		t.Fatal(err)
	}
	second := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(13, 14)))
	failing := Dir(dir).Metadata(Metadata{Step: 2})
	failing.intercept = func(w io.Writer) io.Writer { return &failingWriter{w: w, budget: 100} }
	if err := failing.Save(second); !errors.Is(err, errInjected) {
		t.Fatalf("Save with a failing writer = %v, want the injected error", err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != FileName && e.Name() != MetadataFileName {
			t.Errorf("failed save left %q behind", e.Name())
		}
	}
	restored := buildStore(t, tinyArchitecture(), nil)
	meta, err := Dir(dir).Load(restored)
	if err != nil {
		t.Fatalf("previous checkpoint no longer loads: %v", err)
	}
	if meta.Step != 1 {
		t.Errorf("loaded step %d, want the previous checkpoint's 1", meta.Step)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, first))
}

// A process killed mid-save leaves its partial temporary file; loading must not see it.
func TestLeftoverTemporaryFileIsIgnored(t *testing.T) {
	dir := t.TempDir()
	first := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(15, 16)))
	if err := Save(dir, first); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(dir, "."+FileName+".tmp-123")
	if err := os.WriteFile(partial, []byte(magic+"\x05\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	restored := buildStore(t, tinyArchitecture(), nil)
	if err := Load(dir, restored); err != nil {
		t.Fatal(err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, first))
}

func TestLoadRejectsDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(17, 18)))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-3] ^= 0x40 // In the data of the last variable.
	for _, c := range []struct {
		name     string
		contents []byte
		want     string
	}{
		{"truncated", good[:len(good)-5], "truncated"},
		{"bit flip", flipped, "corrupt: CRC-32"},
		{"not a checkpoint", []byte("{}"), "not a GoKD checkpoint"},
		{"huge header length", append([]byte(magic), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), "header length"},
	} {
		if err := os.WriteFile(path, c.contents, 0o644); err != nil {
			t.Fatal(err)
		}
		store := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(19, 20)))
		before := storeBytes(t, store)
		if _, err := Dir(dir).Load(store); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Load = %v, want an error mentioning %q", c.name, err, c.want)
		}
		assertSameBytes(t, storeBytes(t, store), before)
	}
}

func TestMissingCheckpointAndUninitialisedVariables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "absent")
	if err := Load(dir, model.NewStore()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing checkpoint = %v, want fs.ErrNotExist", err)
	}
	if _, err := ReadMetadata(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadMetadata of a missing checkpoint = %v, want fs.ErrNotExist", err)
	}
	store := model.NewStore()
	store.VariableWithShape("/dense/weights", shapes.Make(dtypes.Float32, 2, 2), nil) // Not initialised.
	if err := Save(dir, store); err == nil || !strings.Contains(err.Error(), `"/dense/weights" has no value`) {
		t.Errorf("Save of an uninitialised variable = %v, want an error naming it", err)
	}
}
