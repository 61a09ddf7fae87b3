package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
)

const (
	// Format is the Description.Format of every model file: what tells a model file from a training checkpoint.
	Format = "gokd-model"
	// FormatVersion is the version of the Description this build writes; it reads this version and older.
	// Version 2 files are checkpoints whose header, the Description included, is covered by a checksum;
	// version 1 files are read too, with the warning of [Description.FormatWarning].
	FormatVersion = 2
	// checksummedVersion is the first version whose header, preprocessing included, is checksummed.
	checksummedVersion = 2
)

// ErrNotModel is wrapped by the errors of [ReadDescription] and [Load] for a file that is not a GoKD model file:
// not a GoKD checkpoint at all, or a training checkpoint (export it first).
var ErrNotModel = errors.New("not a GoKD model file")

// Description is what a model file says about itself, besides its weights.
type Description struct {
	Format        string            `json:"format"`  // Always [Format].
	Version       int               `json:"version"` // [FormatVersion] when written.
	Name          string            `json:"name"`    // The trained model's name, e.g. "student_single_kd-s1".
	Role          string            `json:"role"`    // "teacher" or "student".
	Architecture  nets.Architecture `json:"architecture"`
	Parameters    int               `json:"parameters"` // Trainable parameters.
	Preprocessing Preprocessing     `json:"preprocessing"`
	Provenance    Provenance        `json:"provenance"`
}

// Preprocessing is how a volume becomes the network's input, exactly as in training (package datasets/prostate):
// reoriented to the canonical LPS axes (permutations and flips, no resampling), clipped at two percentiles of its
// own intensities and normalised over the whole volume, then each axial slice resized to Size×Size (bilinear,
// antialiased). With Channels = 2k+1 each input holds k neighbouring slices on each side (2.5D).
type Preprocessing struct {
	Orientation   string  `json:"orientation"` // "LPS".
	Size          int     `json:"size"`
	Channels      int     `json:"channels"`
	ClipLow       float64 `json:"clip_low_percentile"`  // 0 and 0: no clipping.
	ClipHigh      float64 `json:"clip_high_percentile"` //
	Normalization string  `json:"normalization"`        // datasets.Normalization.String(): "z-score", "unit-range", "none".
}

// DefaultPreprocessing is the preprocessing of the prostate loader's defaults (prostate.New) at slice size size:
// what the experiment's real-data sources train with.
func DefaultPreprocessing(size int) Preprocessing {
	return Preprocessing{Orientation: "LPS", Size: size, Channels: 1, ClipLow: datasets.DefaultPercentiles.Low,
		ClipHigh: datasets.DefaultPercentiles.High, Normalization: datasets.ZScore.String()}
}

// Loader returns the prostate loader that prepares volumes this way.
func (p Preprocessing) Loader() (*prostate.Loader, error) {
	if p.Orientation != "LPS" {
		return nil, fmt.Errorf("deploy: unknown orientation %q in the preprocessing (this build knows LPS)", p.Orientation)
	}
	if p.Size <= 0 || p.Channels < 1 || p.Channels%2 == 0 {
		return nil, fmt.Errorf("deploy: preprocessing has slice size %d and %d channels, want size > 0 and 1 or 2k+1 channels",
			p.Size, p.Channels)
	}
	for _, mode := range []datasets.Normalization{datasets.ZScore, datasets.UnitRange, datasets.NoNormalization} {
		if mode.String() == p.Normalization {
			return prostate.New().Size(p.Size).Channels(p.Channels).Normalization(mode).
				Clip(datasets.Percentiles{Low: p.ClipLow, High: p.ClipHigh}), nil
		}
	}
	return nil, fmt.Errorf("deploy: unknown normalisation %q in the preprocessing", p.Normalization)
}

// Provenance says where a model comes from.
type Provenance struct {
	ConfigHash string       `json:"config_hash,omitempty"` // The training run's cache key: a hash of all that determined it.
	Data       string       `json:"data,omitempty"`        // The training data, in words.
	Steps      int          `json:"steps,omitempty"`       // Training steps.
	Metrics    ckpt.Metrics `json:"metrics,omitempty"`     // Scores on its test set, e.g. "test_dice".
	Backend    string       `json:"backend,omitempty"`     // The backend it was trained on.
	GoKD       string       `json:"gokd,omitempty"`        // GoKD's version at export.
	Exported   string       `json:"exported,omitempty"`    // Export time, RFC 3339.
	Notes      string       `json:"notes,omitempty"`
}

// Model is a model file loaded for inference.
type Model struct {
	Description
	Net *inference.Model // The network and its weights.
}

// Save writes m's network, described by d, to a model file at path, atomically (a failure leaves whatever was at
// path untouched). d's Format, Version, Architecture, Parameters and, when empty, Name are set from the network;
// only the network's variables are written (no optimizer state).
func Save(path string, m *inference.Model, d Description) error {
	d = Describe(m, d)
	if _, err := d.Preprocessing.Loader(); err != nil {
		return fmt.Errorf("deploy: saving %s: %w", path, err)
	}
	store, err := m.Store.Clone()
	if err != nil {
		return fmt.Errorf("deploy: saving %s: %w", path, err)
	}
	var others []string
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), "/"+inference.NetScope+"/") {
			others = append(others, v.Path())
		}
	}
	for _, p := range others {
		if err := store.DeleteVariable(p); err != nil {
			return fmt.Errorf("deploy: saving %s: %w", path, err)
		}
	}
	meta, err := ckpt.Metadata{Step: int64(d.Provenance.Steps), Metrics: d.Provenance.Metrics}.WithConfig(d)
	if err != nil {
		return fmt.Errorf("deploy: saving %s: %w", path, err)
	}
	if err := ckpt.File(path).Metadata(meta).Save(store); err != nil {
		return fmt.Errorf("deploy: saving %s: %w", path, err)
	}
	return nil
}

// Describe returns d completed from m as [Save] writes it: Format, Version, Architecture, Parameters and, when
// empty, Name.
func Describe(m *inference.Model, d Description) Description {
	d.Format, d.Version = Format, FormatVersion
	d.Architecture, d.Parameters = m.Net.Architecture(), m.ParamCount()
	if d.Name == "" {
		d.Name = m.Name
	}
	return d
}

// FormatWarning returns a warning for a model file of an older format whose header is not covered by a
// checksum (version 1), or "" for a current one.
func (d Description) FormatWarning() string {
	if d.Version >= checksummedVersion {
		return ""
	}
	return fmt.Sprintf("model format version %d has no checksum over its description (preprocessing, "+
		"architecture): a damaged one goes unnoticed; export the model again to get version %d", d.Version,
		FormatVersion)
}

// ReadDescription reads a model file's description without its weights; the header that holds it is checked
// against its checksum. A missing or unreadable file is an error wrapping the file system's; a folder or a file
// that is not a model file wraps [ErrNotModel].
func ReadDescription(path string) (Description, error) {
	return readDescription(path, ckpt.File(path).ReadMetadata)
}

// Verify reads a whole model file and checks every checksum, its weights' included, then returns its
// description; its errors are [ReadDescription]'s, and a corrupt file's.
func Verify(path string) (Description, error) {
	return readDescription(path, ckpt.File(path).Verify)
}

// readDescription reads the description of the model file at path from the metadata that read returns.
func readDescription(path string, read func() (ckpt.Metadata, error)) (Description, error) {
	f, err := os.Open(path) // The file system's errors first, unwrapped by ckpt's wording.
	if err != nil {
		return Description{}, fmt.Errorf("deploy: model %w", err)
	}
	info, err := f.Stat()
	_ = f.Close() // Read-only probe.
	if err != nil {
		return Description{}, fmt.Errorf("deploy: model %w", err)
	}
	if info.IsDir() {
		return Description{}, fmt.Errorf("deploy: %s is a directory: %w (give the file `gokd export` wrote)",
			path, ErrNotModel)
	}
	meta, err := read()
	if err != nil {
		return Description{}, fmt.Errorf("deploy: %s: %w (%w)", path, ErrNotModel, err)
	}
	return decodeDescription(path, meta)
}

// decodeDescription returns the description in the metadata of the model file named path.
func decodeDescription(path string, meta ckpt.Metadata) (Description, error) {
	var d Description
	if err := json.Unmarshal(meta.Config, &d); err != nil || d.Format != Format {
		return Description{}, fmt.Errorf("deploy: %s: %w: a GoKD training checkpoint, not an exported model "+
			"(export it with `gokd export`)", path, ErrNotModel)
	}
	if d.Version < 1 || d.Version > FormatVersion {
		return Description{}, fmt.Errorf("deploy: %s: model format version %d, this build reads 1 to %d (update GoKD)",
			path, d.Version, FormatVersion)
	}
	return d, nil
}

// Load reads a model file and rebuilds its network on backend from the stored architecture. Weights that do not
// fit that architecture are refused with an error wrapping [*ckpt.ArchitectureError] that names every faulty
// variable; see [ReadDescription] for the other errors.
func Load(backend compute.Backend, path string) (*Model, error) {
	d, err := ReadDescription(path)
	if err != nil {
		return nil, err
	}
	if _, err := d.Preprocessing.Loader(); err != nil {
		return nil, fmt.Errorf("deploy: %s: %w", path, err)
	}
	net, err := nets.FromArchitecture(d.Architecture)
	if err != nil {
		return nil, fmt.Errorf("deploy: %s: %w", path, err)
	}
	m, err := inference.NewModel(backend, d.Name, net, 0)
	if err != nil {
		return nil, fmt.Errorf("deploy: %s: building %s: %w", path, net, err)
	}
	if _, err := ckpt.File(path).Load(m.Store); err != nil {
		return nil, fmt.Errorf("deploy: %s: %w", path, err)
	}
	return &Model{Description: d, Net: m}, nil
}
