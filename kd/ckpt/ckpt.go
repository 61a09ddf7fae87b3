package ckpt

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Config locates a checkpoint directory and configures how to save to or load from it.
// Create it with [Dir], set options with its builder methods, then call [Config.Save] or [Config.Load].
type Config struct {
	dir           string // Where the checkpoint file lives.
	file          string // The checkpoint file's path.
	standalone    bool   // Made by File: no readable metadata copy beside it.
	metadata      Metadata
	createMissing bool

	// intercept wraps the writer of the checkpoint file: tests inject failures with it.
	intercept func(io.Writer) io.Writer
}

// Dir returns a Config for the checkpoint in directory dir (created on save if needed).
func Dir(dir string) *Config { return &Config{dir: dir, file: filepath.Join(dir, FileName)} }

// File returns a Config for a standalone checkpoint file at path: the same format as a checkpoint directory's
// [FileName], written atomically in path's directory (created on save if needed), without the readable
// [MetadataFileName] copy beside it. A deployed model is one such file.
func File(path string) *Config {
	return &Config{dir: filepath.Dir(path), file: path, standalone: true}
}

// Metadata sets the metadata saved with the checkpoint.
func (c *Config) Metadata(meta Metadata) *Config {
	c.metadata = meta
	return c
}

// CreateMissing makes Load create, instead of report, every checkpoint variable the store lacks. Use it to load a
// checkpoint into a store whose model has not been built yet (for inference, say): its variables then exist when
// the model asks for them. The architecture check is weaker: a variable the model no longer has goes unnoticed,
// and one it reshaped is reported only when its graph is built (GoMLX refuses to reuse a variable with another
// shape, naming both).
func (c *Config) CreateMissing() *Config {
	c.createMissing = true
	return c
}

// Save writes every variable of the store, in full, to dir (shorthand for Dir(dir).Save(store)).
func Save(dir string, store model.StoreProvider) error { return Dir(dir).Save(store) }

// Load restores the store's variables from the checkpoint in dir (shorthand for Dir(dir).Load(store)).
func Load(dir string, store model.StoreProvider) error {
	_, err := Dir(dir).Load(store)
	return err
}

// Save writes every variable of the store (a model.Store or any of its scopes: the whole store is saved) —
// weights, and optimizer state if training created it — and the metadata.
//
// The checkpoint replaces the previous one atomically: if Save fails or the process dies midway, the directory
// still holds the previous checkpoint, whole. Every variable must have a value: initialise the model first.
func (c *Config) Save(provider model.StoreProvider) error {
	store := provider.Store()
	var variables []savedVariable
	for v := range store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("ckpt: saving to %s: variable %q has no value (initialise the model first): %w",
				c.dir, v.Path(), err)
		}
		shape := v.Shape()
		variables = append(variables, savedVariable{value: value, entry: variableEntry{
			Path: v.Path(), DType: shape.DType.String(), Dimensions: shape.Dimensions, Trainable: v.Trainable}})
	}
	h, err := newHeader(variables, c.metadata)
	if err != nil {
		return fmt.Errorf("ckpt: saving to %s: %w", c.dir, err)
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("ckpt: creating checkpoint directory: %w", err)
	}
	err = writeAtomically(c.file, func(w io.Writer) error {
		return writeFile(w, h, variables)
	}, c.intercept)
	if err != nil || c.standalone {
		return err
	}
	// The checkpoint is complete and in place; the readable copy of its metadata follows it.
	return writeAtomically(filepath.Join(c.dir, MetadataFileName), func(w io.Writer) error {
		encoder := json.NewEncoder(w)
		encoder.SetIndent("", "  ")
		return encoder.Encode(c.metadata)
	}, nil)
}

// Load restores the store's variables from the checkpoint and returns its metadata.
//
// Before changing anything, it checks the checkpoint against the store's variables (those its model created):
// each must be in the checkpoint with the same dtype and dimensions, and each trainable checkpoint variable must
// be in the store. Non-trainable checkpoint variables the store lacks — optimizer moments, step counters, which
// training creates only at its first step — are created, so training resumes where it stopped. Any difference
// is reported as an [*ArchitectureError] listing every faulty variable with both shapes, and the store is left
// unchanged; so it is if the file is corrupt. See [Config.CreateMissing] to load into a store not built yet.
//
// A missing checkpoint is an error wrapping fs.ErrNotExist, for callers that start afresh then.
func (c *Config) Load(provider model.StoreProvider) (Metadata, error) {
	store := provider.Store()
	path, f, r, h, err := openCheckpoint(c.file, 1<<20)
	if err != nil {
		return Metadata{}, fmt.Errorf("ckpt: loading: %w", err)
	}
	defer func() { _ = f.Close() }() // Read-only: nothing to lose on close.
	if err := c.checkArchitecture(path, h, store); err != nil {
		return Metadata{}, err
	}

	// Read everything before touching the store, so that a corrupt variable leaves it unchanged.
	values := make([]*tensors.Tensor, len(h.Variables))
	for i, e := range h.Variables {
		if values[i], err = readValue(r, e); err != nil {
			for _, v := range values[:i] {
				_ = v.FinalizeAll() // Host memory only, released early: failure is harmless.
			}
			return Metadata{}, fmt.Errorf("ckpt: loading %s: %w", path, err)
		}
	}
	for i, e := range h.Variables {
		if v := store.GetVariable(e.Path); v != nil {
			err = v.SetValue(values[i])
		} else {
			v, err = store.CreateVariable(e.Path, values[i])
			if err == nil {
				v.SetTrainable(e.Trainable)
			}
		}
		if err != nil {
			return Metadata{}, fmt.Errorf("ckpt: loading %s: restoring variable %q: %w", path, e.Path, err)
		}
	}
	return h.Metadata, nil
}

// ReadMetadata returns the metadata of the checkpoint in dir without loading its variables.
func ReadMetadata(dir string) (Metadata, error) { return Dir(dir).ReadMetadata() }

// ReadMetadata returns the checkpoint's metadata without loading its variables. A file that is not a GoKD
// checkpoint, or is corrupt, is an error saying so.
func (c *Config) ReadMetadata() (Metadata, error) {
	_, f, _, h, err := openCheckpoint(c.file, 0)
	if err != nil {
		return Metadata{}, fmt.Errorf("ckpt: reading metadata: %w", err)
	}
	_ = f.Close() // Read-only: nothing to lose on close.
	return h.Metadata, nil
}

// Verify reads the whole checkpoint and checks every checksum — its header's (format version 2 on) and each
// variable's — without loading it anywhere, and returns its metadata. A corrupt file is an error naming the
// damaged part: unlike [Config.ReadMetadata], Verify reads the weights too.
func (c *Config) Verify() (Metadata, error) {
	path, f, r, h, err := openCheckpoint(c.file, 1<<20)
	if err != nil {
		return Metadata{}, fmt.Errorf("ckpt: verifying: %w", err)
	}
	defer func() { _ = f.Close() }() // Read-only: nothing to lose on close.
	if err := verifyVariables(r, h); err != nil {
		return Metadata{}, fmt.Errorf("ckpt: verifying %s: %w", path, err)
	}
	return h.Metadata, nil
}

// VerifyReader is [Config.Verify] for a checkpoint of size bytes read from r: a file held in memory, say.
func VerifyReader(r io.Reader, size int64) (Metadata, error) {
	br := bufio.NewReader(r)
	h, err := readHeader(br, size)
	if err == nil {
		err = verifyVariables(br, h)
	}
	if err != nil {
		return Metadata{}, fmt.Errorf("ckpt: verifying: %w", err)
	}
	return h.Metadata, nil
}

// verifyVariables reads the data section that h describes from r and checks each variable's checksum.
func verifyVariables(r io.Reader, h header) error {
	for _, e := range h.Variables {
		checksum := crc32.NewIEEE()
		if _, err := io.CopyN(checksum, r, e.Length); err != nil {
			return fmt.Errorf("reading variable %q: %w", e.Path, err)
		}
		if got := checksum.Sum32(); got != e.CRC32 {
			return fmt.Errorf("variable %q is corrupt: CRC-32 %08x, header says %08x", e.Path, got, e.CRC32)
		}
	}
	return nil
}

// openCheckpoint opens the checkpoint file at path and reads its header, leaving the reader (buffered by bufSize
// bytes, or the default) at the first variable's data. The caller closes f; on error nothing is left open.
func openCheckpoint(path string, bufSize int) (_ string, f *os.File, r *bufio.Reader, h header, err error) {
	if f, err = os.Open(path); err != nil {
		return path, nil, nil, h, err
	}
	info, err := f.Stat()
	if err == nil {
		r = bufio.NewReader(f)
		if bufSize > 0 {
			r = bufio.NewReaderSize(f, bufSize)
		}
		if h, err = readHeader(r, info.Size()); err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}
	if err != nil {
		_ = f.Close()
		return path, nil, nil, h, err
	}
	return path, f, r, h, nil
}

// ArchitectureError reports how a checkpoint's variables differ from those of the model it was loaded into.
type ArchitectureError struct {
	File     string   // The checkpoint file.
	Problems []string // One line per faulty variable, naming it, sorted.
	NoModel  bool     // The store had no variable at all: the model was not built before loading.
}

// Error implements error.
func (e *ArchitectureError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ckpt: checkpoint %s does not match the model's architecture (%d problems):", e.File,
		len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	if e.NoModel {
		b.WriteString("\n  (the store has no variables: build the model before loading, or use CreateMissing)")
	}
	return b.String()
}

// checkArchitecture compares the checkpoint's variables with the store's; see Config.Load for the rules.
func (c *Config) checkArchitecture(path string, h header, store *model.Store) error {
	saved := make(map[string]variableEntry, len(h.Variables))
	for _, e := range h.Variables {
		saved[e.Path] = e
	}
	archErr := &ArchitectureError{File: path, NoModel: store.NumVariables() == 0}
	for v := range store.IterVariables() {
		e, found := saved[v.Path()]
		delete(saved, v.Path())
		if !found {
			archErr.Problems = append(archErr.Problems, fmt.Sprintf(
				"variable %q: the model has it, shape %s, but the checkpoint does not", v.Path(), v.Shape()))
			continue
		}
		if savedShape, _ := e.shape(); !savedShape.Equal(v.Shape()) { // readHeader validated e.shape().
			archErr.Problems = append(archErr.Problems, fmt.Sprintf(
				"variable %q: the model's shape is %s but the checkpoint's is %s", v.Path(), v.Shape(), savedShape))
		}
	}
	for _, e := range saved { // Left: in the checkpoint only.
		if e.Trainable && !c.createMissing {
			shape, _ := e.shape()
			archErr.Problems = append(archErr.Problems, fmt.Sprintf(
				"variable %q: the checkpoint has it, shape %s, but the model does not", e.Path, shape))
		}
	}
	if len(archErr.Problems) == 0 {
		return nil
	}
	sort.Strings(archErr.Problems)
	return archErr
}
