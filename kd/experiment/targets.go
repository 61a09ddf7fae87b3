package experiment

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/runcache"
	"github.com/gokd/gokd/kd/train"
)

// targetsVersion changes when the way teachers' outputs are precomputed changes, so that cached ones are
// recomputed.
const targetsVersion = 1

// Files of a cached train.Precomputed: its layout as JSON, its values as little-endian float32, sample after
// sample.
const (
	targetsLayoutFile = "layout.json"
	targetsValuesFile = "values.f32"
)

// targetsKey is everything that determines the teachers' precomputed outputs on a student's training data.
type targetsKey struct {
	Version             int
	Teachers            []string // The teachers' cache keys.
	Subset              string
	Features            []string
	Data                DataConfig
	DataFingerprint     string `json:",omitempty"`
	StudentCasesPerSite int
	SemiLabelledRepeat  int `json:",omitempty"`
	BatchSize           int
}

// targetsKind is the cache kind of precomputed teacher outputs.
const targetsKind = "targets"

// precomputeName names the precompute task of a student kind's teachers and data (its plan task's model name):
// "precompute-<teachers>-<data>".
func precomputeName(k kindSpec) string {
	teachers := map[teacherSet]string{wellTrained: TeacherName, limitedTrained: SiteTeacherName + "s"}[k.teachers]
	data := map[studentData]string{studentsCases: "students", allCases: "all", semiCases: "semi"}[k.data]
	return "precompute-" + teachers + "-" + data
}

// cachedTargets returns the teachers' precomputed outputs on the samples of s from the cache, computing and
// caching them when missing (unless the Runner reloads only: ErrNotCached). Every seed's student, and every
// worker sharing the cache, reuses them.
func (r *Runner) cachedTargets(s trainSpec, teachers []*inference.Model) (*train.Precomputed, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	c := r.Config
	key := targetsKey{Version: targetsVersion, Subset: s.subset, Features: s.features, Data: c.Data,
		DataFingerprint: d.Fingerprint, StudentCasesPerSite: c.StudentCasesPerSite, BatchSize: c.Train.BatchSize}
	if strings.Contains(s.subset, "unlabelled") {
		key.SemiLabelledRepeat = c.SemiLabelledRepeat
	}
	for _, t := range s.teachers {
		key.Teachers = append(key.Teachers, t.Key)
	}
	name := s.precompute
	if !r.mayBuild(name) && !r.Cache.Has(targetsKind, key) {
		path, _ := r.Cache.Path(targetsKind, key)
		return nil, fmt.Errorf("experiment: %s (%s in %s): %w", name, filepath.Base(path), r.Cache.Dir, ErrNotCached)
	}
	var computed *train.Precomputed
	dir, hit, err := r.Cache.Get(targetsKind, key, func(dir string) error {
		p, err := train.Precompute(r.Backend, teachers, s.features, s.samples, c.Train.BatchSize)
		if err != nil {
			return err
		}
		computed = p
		return writeTargets(dir, p)
	})
	if err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", name, err)
	}
	if !hit {
		return computed, nil
	}
	p, err := readTargets(dir)
	if err != nil {
		return nil, fmt.Errorf("experiment: reloading %s from the cache: %w", name, err)
	}
	return p, nil
}

// writeTargets writes p into dir: its layout, then its values.
func writeTargets(dir string, p *train.Precomputed) error {
	layout := *p
	layout.Values = nil
	if err := runcache.WriteJSON(filepath.Join(dir, targetsLayoutFile), struct {
		train.Precomputed
		Samples int
	}{layout, len(p.Values)}); err != nil {
		return err
	}
	per := 0
	if len(p.Values) > 0 {
		per = len(p.Values[0])
	}
	blob := make([]byte, 0, 4*per*len(p.Values))
	for _, sample := range p.Values {
		for _, v := range sample {
			blob = binary.LittleEndian.AppendUint32(blob, math.Float32bits(v))
		}
	}
	return runcache.WriteFileAtomic(filepath.Join(dir, targetsValuesFile), blob)
}

// readTargets reads what writeTargets wrote, bit for bit.
func readTargets(dir string) (*train.Precomputed, error) {
	var layout struct {
		train.Precomputed
		Samples int
	}
	if err := runcache.ReadJSON(filepath.Join(dir, targetsLayoutFile), &layout); err != nil {
		return nil, err
	}
	blob, err := os.ReadFile(filepath.Join(dir, targetsValuesFile))
	if err != nil {
		return nil, err
	}
	p := layout.Precomputed
	if layout.Samples == 0 || len(blob)%(4*layout.Samples) != 0 {
		return nil, fmt.Errorf("%s: %d bytes for %d samples", filepath.Join(dir, targetsValuesFile), len(blob), layout.Samples)
	}
	per := len(blob) / 4 / layout.Samples
	p.Values = make([][]float32, layout.Samples)
	for i := range p.Values {
		p.Values[i] = make([]float32, per)
		for j := range per {
			p.Values[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(blob[4*(i*per+j):]))
		}
	}
	return &p, nil
}
