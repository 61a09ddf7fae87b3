package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// currentModel copies the network being trained in store, as it is now, into an inference.Model of its own.
func currentModel(job Job, store *model.Store) (*inference.Model, error) {
	m := &inference.Model{Name: job.Name, Net: job.Net, Store: model.NewStore()}
	if err := copyVariables(store, studentScope+"/"+inference.NetScope, m.Store, inference.NetScope, true); err != nil {
		return nil, fmt.Errorf("extracting the trained network: %w", err)
	}
	return m, nil
}

const studentScope = "student"

// teacherScope is where the k-th frozen teacher's network lives in a training store.
func teacherScope(k int) string { return fmt.Sprintf("teacher%d/%s", k, inference.NetScope) }

// teacherNetScope is teacherScope as a model scope under root.
func teacherNetScope(root *model.Scope, k int) *model.Scope {
	return root.In("teacher%d", k).In("%s", inference.NetScope)
}

// graftTeacher copies a trained teacher's variables, frozen, into the training store where teacherNetScope finds
// them.
func graftTeacher(store *model.Store, k int, teacher *inference.Model) error {
	return copyVariables(teacher.Store, inference.NetScope, store, teacherScope(k), false)
}

// copyVariables copies every variable under scope from (e.g. "student/net") of src into dst under scope to,
// with the given trainable flag.
func copyVariables(src *model.Store, from string, dst *model.Store, to string, trainable bool) error {
	prefix := "/" + from + "/"
	copied := 0
	for v := range src.IterVariables() {
		path := v.Path()
		if len(path) <= len(prefix) || path[:len(prefix)] != prefix {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("variable %s has no value: %w", path, err)
		}
		clone, err := value.Clone()
		if err != nil {
			return err
		}
		scopePath, name := model.SplitPath("/" + to + "/" + path[len(prefix):])
		dst.Scope(scopePath).VariableWithValue(name, clone).SetTrainable(trainable)
		copied++
	}
	if copied == 0 {
		return errors.New("no variables under /" + from)
	}
	return nil
}

// fusionWeights reads the adaptive fusion's teacher weight logits from a training store and returns their softmax
// over the teachers (axis 0); nil when the objective has no adaptive fusion.
func fusionWeights(store *model.Store) ([]float64, error) {
	for v := range store.IterVariables() {
		if _, name := model.SplitPath(v.Path()); name != losses.AdaptiveWeightsVariable {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("fusion weights %s: %w", v.Path(), err)
		}
		logits := tensors.MustCopyFlatData[float32](value)
		dims := value.Shape().Dimensions
		k, classes := dims[0], len(logits)/dims[0]
		weights := make([]float64, len(logits))
		for c := range classes {
			peak := math.Inf(-1)
			for t := range k {
				peak = max(peak, float64(logits[t*classes+c]))
			}
			sum := 0.0
			for t := range k {
				weights[t*classes+c] = math.Exp(float64(logits[t*classes+c]) - peak)
				sum += weights[t*classes+c]
			}
			for t := range k {
				weights[t*classes+c] /= sum
			}
		}
		return weights, nil
	}
	return nil, nil
}
