package train

import (
	"fmt"
	"slices"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Precomputed holds frozen teachers' outputs — their logits and named feature maps — computed once for every
// training sample in each of its batch.NumViews geometric views, so that a student distils from them without
// running the teachers at every step (Job.Precomputed). Build it with [Precompute]; the batches carry it with
// batch.Config.Targets(p.Values, p.Length()).
//
// It differs from running the teachers online in one way: the views are the augmentation's flips and rotations,
// never its intensity jitter, so a student's jittered image meets its teachers' outputs on the unjittered view.
type Precomputed struct {
	Teachers int      // Number of teachers.
	Features []string // The feature maps kept of each teacher, to pair with the student's (Job.Features).
	// Parts is one sample's layout, teacher after teacher: its logits, then its Features in order.
	Parts []PrecomputedPart
	// Values holds, per sample, batch.NumViews × Length() values, view after view.
	Values [][]float32
}

// PrecomputedPart is one teacher output of a [Precomputed] layout.
type PrecomputedPart struct {
	Teacher int
	Feature string // "" for the logits.
	Dims    []int  // One sample's dimensions: height, width, channels.
}

// size is the number of values of the part for one sample.
func (p PrecomputedPart) size() int {
	n := 1
	for _, d := range p.Dims {
		n *= d
	}
	return n
}

// Length is the number of values of one sample in one view: the sum of its Parts' sizes.
func (p *Precomputed) Length() int {
	n := 0
	for _, part := range p.Parts {
		n += part.size()
	}
	return n
}

// Precompute runs each teacher, in batches of batchSize, on every view of every sample, keeping its logits and the
// named features.
func Precompute(backend compute.Backend, teachers []*inference.Model, features []string, samples []datasets.Sample,
	batchSize int) (*Precomputed, error) {
	if len(teachers) == 0 || len(samples) == 0 || batchSize <= 0 {
		return nil, fmt.Errorf("precomputing teacher outputs: %d teachers, %d samples, batch size %d", len(teachers),
			len(samples), batchSize)
	}
	views := make([]datasets.Sample, 0, len(samples)*batch.NumViews)
	for _, s := range samples {
		for v := range batch.NumViews {
			viewed, err := batch.View(s, v)
			if err != nil {
				return nil, fmt.Errorf("precomputing teacher outputs: %w", err)
			}
			views = append(views, viewed)
		}
	}
	p := &Precomputed{Teachers: len(teachers), Features: slices.Clone(features)}
	runs := make([]*teacherRun, len(teachers))
	defer func() { // The compiled forward passes are needed only here.
		for _, run := range runs {
			if run != nil {
				run.exec.Finalize()
			}
		}
	}()
	for k, t := range teachers {
		if t == nil || t.Net == nil || t.Store == nil {
			return nil, fmt.Errorf("precomputing teacher outputs: teacher %d is not a trained model", k)
		}
		run, err := newTeacherRun(backend, t, features, views[:min(batchSize, len(views))], batchSize)
		if err != nil {
			return nil, fmt.Errorf("precomputing the outputs of teacher %d (%s): %w", k, t.Name, err)
		}
		run.offset = p.Length()
		for i, name := range append([]string{""}, features...) {
			p.Parts = append(p.Parts, PrecomputedPart{Teacher: k, Feature: name, Dims: run.dims[i]})
		}
		runs[k] = run
	}
	length := p.Length()
	p.Values = make([][]float32, len(samples))
	for i := range p.Values {
		p.Values[i] = make([]float32, batch.NumViews*length)
	}
	for k, run := range runs {
		for start := 0; start < len(views); start += batchSize {
			end := min(start+batchSize, len(views))
			outputs, err := run.outputs(views[start:end], batchSize)
			if err != nil {
				return nil, fmt.Errorf("precomputing the outputs of teacher %d (%s): %w", k, teachers[k].Name, err)
			}
			for j := range end - start {
				view := start + j
				dst := p.Values[view/batch.NumViews][(view%batch.NumViews)*length+run.offset:]
				for _, flat := range outputs {
					per := len(flat) / batchSize
					dst = dst[copy(dst, flat[j*per:(j+1)*per]):]
				}
			}
		}
	}
	return p, nil
}

// teacherRun is one teacher's compiled forward pass, returning its logits and features.
type teacherRun struct {
	exec   *model.Exec
	dims   [][]int // One sample's dimensions of each output.
	offset int     // Where the teacher's outputs start in a sample's view.
}

// newTeacherRun compiles the teacher's forward pass and learns its outputs' shapes on a first batch.
func newTeacherRun(backend compute.Backend, teacher *inference.Model, features []string, first []datasets.Sample,
	batchSize int) (*teacherRun, error) {
	for _, f := range features {
		if !slices.Contains(teacher.Net.FeatureNames(), f) {
			return nil, fmt.Errorf("feature %q is not one of the network's %v", f, teacher.Net.FeatureNames())
		}
	}
	exec, err := model.NewExec(backend, teacher.Store, func(scope *model.Scope, images *Node) []*Node {
		out := mustApply(teacher.Net, scope.In("%s", inference.NetScope), images)
		nodes := []*Node{out.Logits}
		for _, f := range features {
			nodes = append(nodes, out.Features[f])
		}
		return nodes
	})
	if err != nil {
		return nil, err
	}
	run := &teacherRun{exec: exec}
	images, err := inference.StackImages(first, batchSize)
	if err != nil {
		exec.Finalize()
		return nil, err
	}
	defer func() { _ = images.FinalizeAll() }()
	outputs, err := exec.Exec(images)
	if err != nil {
		exec.Finalize()
		return nil, err
	}
	for _, o := range outputs {
		run.dims = append(run.dims, slices.Clone(o.Shape().Dimensions[1:]))
		_ = o.FinalizeAll()
	}
	return run, nil
}

// outputs runs one batch (padded to batchSize) and returns each output's values, flat.
func (r *teacherRun) outputs(samples []datasets.Sample, batchSize int) ([][]float32, error) {
	images, err := inference.StackImages(samples, batchSize)
	if err != nil {
		return nil, err
	}
	defer func() { _ = images.FinalizeAll() }()
	outputs, err := r.exec.Exec(images)
	if err != nil {
		return nil, err
	}
	flats := make([][]float32, len(outputs))
	for i, o := range outputs {
		flats[i], err = tensors.CopyFlatData[float32](o)
		_ = o.FinalizeAll()
		if err != nil {
			return nil, err
		}
	}
	return flats, nil
}

// splitPrecomputed cuts the batches' precomputed targets [B, Length] into each teacher's logits and feature pairs
// (StopGradient: they are constants of the step).
func splitPrecomputed(targets *Node, p *Precomputed) (logits []*Node, features [][]*Node) {
	b := targets.Shape().Dimensions[0]
	logits, features = make([]*Node, p.Teachers), make([][]*Node, p.Teachers)
	offset := 0
	for _, part := range p.Parts {
		size := part.size()
		node := Reshape(Slice(targets, AxisRange(), AxisRange(offset, offset+size)), append([]int{b}, part.Dims...)...)
		node = StopGradient(node)
		offset += size
		if part.Feature == "" {
			logits[part.Teacher] = node
		} else {
			features[part.Teacher] = append(features[part.Teacher], node)
		}
	}
	return logits, features
}
