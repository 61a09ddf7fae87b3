package losses

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	gokdbackend "github.com/gokd/gokd/backend"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// testBackend is the backend shared by the tests: $GOMLX_BACKEND (GoKD's selection, so xla:cuda finds an installed
// plugin), the Go backend by default.
var testBackend = sync.OnceValue(func() compute.Backend {
	backend, err := gokdbackend.FromEnv()
	if err != nil {
		panic(err)
	}
	return backend
})

// lossFn builds a scalar loss from its inputs; the gradient is taken w.r.t. inputs[0].
type lossFn func(scope *model.Scope, inputs []*graph.Node) *graph.Node

// newLossExec compiles fn; with withGradient it also returns the gradient w.r.t. inputs[0].
func newLossExec(t testing.TB, store *model.Store, fn lossFn, withGradient bool) *model.Exec {
	t.Helper()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
		loss := fn(scope, inputs)
		if !withGradient {
			return []*graph.Node{loss}
		}
		return []*graph.Node{loss, graph.Gradient(loss, inputs[0])[0]}
	})
	if err != nil {
		t.Fatalf("compiling loss: %v", err)
	}
	return exec
}

// valueAndGradient evaluates fn(inputs) and its gradient w.r.t. inputs[0], as float64.
func valueAndGradient(t testing.TB, fn lossFn, inputs ...*tensors.Tensor) (float64, []float64) {
	t.Helper()
	outputs, err := newLossExec(t, model.NewStore(), fn, true).Call(anySlice(inputs)...)
	if err != nil {
		t.Fatalf("executing loss: %v", err)
	}
	return scalarOf(t, outputs[0]), flatFloat64(t, outputs[1])
}

// numericalGradient is the central finite difference of fn w.r.t. inputs[0] (float64), with step h.
// It shares one store across evaluations, so learned variables keep their values.
func numericalGradient(t testing.TB, store *model.Store, fn lossFn, h float64, inputs ...*tensors.Tensor) []float64 {
	t.Helper()
	exec := newLossExec(t, store, fn, false)
	x := tensors.MustCopyFlatData[float64](inputs[0])
	dims := inputs[0].Shape().Dimensions
	evaluate := func(values []float64) float64 {
		args := anySlice(inputs)
		args[0] = tensors.FromFlatDataAndDimensions(values, dims...)
		outputs, err := exec.Call(args...)
		if err != nil {
			t.Fatalf("executing loss: %v", err)
		}
		return scalarOf(t, outputs[0])
	}
	gradient := make([]float64, len(x))
	for i := range x {
		perturbed := append([]float64(nil), x...)
		perturbed[i] = x[i] + h
		plus := evaluate(perturbed)
		perturbed[i] = x[i] - h
		gradient[i] = (plus - evaluate(perturbed)) / (2 * h)
	}
	return gradient
}

func anySlice(inputs []*tensors.Tensor) []any {
	args := make([]any, len(inputs))
	for i, input := range inputs {
		args[i] = input
	}
	return args
}

func scalarOf(t testing.TB, tensor *tensors.Tensor) float64 {
	t.Helper()
	values := flatFloat64(t, tensor)
	if len(values) != 1 {
		t.Fatalf("want a scalar, got shape %s", tensor.Shape())
	}
	return values[0]
}

func flatFloat64(t testing.TB, tensor *tensors.Tensor) []float64 {
	t.Helper()
	switch values := tensor.Value().(type) {
	case float64:
		return []float64{values}
	case float32:
		return []float64{float64(values)}
	}
	if data, err := tensors.CopyFlatData[float64](tensor); err == nil {
		return data
	}
	data, err := tensors.CopyFlatData[float32](tensor)
	if err != nil {
		t.Fatalf("tensor %s is not float: %v", tensor.Shape(), err)
	}
	converted := make([]float64, len(data))
	for i, v := range data {
		converted[i] = float64(v)
	}
	return converted
}

// closeRel reports whether got ≈ want within relative tolerance rel, with an absolute floor for values near 0.
func closeRel(got, want, rel, floor float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), floor)
}

// assertClose checks got against want element-wise, within relative tolerance rel (absolute floor).
func assertClose(t testing.TB, what string, got, want []float64, rel, floor float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !closeRel(got[i], want[i], rel, floor) {
			t.Fatalf("%s[%d]: got %.12g, want %.12g (relative tolerance %g)", what, i, got[i], want[i], rel)
		}
	}
}

// golden mirrors testdata/golden.json, written by testdata/generate_golden.py.
type golden struct {
	Segmentation []struct {
		Name                string      `json:"name"`
		Dims                []int       `json:"dims"`
		Temperature         float64     `json:"temperature"`
		Logits              []float64   `json:"logits"`
		Labels              []int32     `json:"labels"`
		TeacherLogits       [][]float64 `json:"teacher_logits"`
		Dice                float64     `json:"dice"`
		DiceGrad            []float64   `json:"dice_grad"`
		LovaszSoftmax       float64     `json:"lovasz_softmax"`
		LovaszSoftmaxGrad   []float64   `json:"lovasz_softmax_grad"`
		KL                  float64     `json:"kl"`
		KLGrad              []float64   `json:"kl_grad"`
		MeanTarget          []float64   `json:"mean_target"`
		EntropyTarget       []float64   `json:"entropy_target"`
		KLEntropyTarget     float64     `json:"kl_entropy_target"`
		KLEntropyTargetGrad []float64   `json:"kl_entropy_target_grad"`
	} `json:"segmentation"`
	Hinge []struct {
		Name            string    `json:"name"`
		Dims            []int     `json:"dims"`
		Logits          []float64 `json:"logits"`
		Labels          []int32   `json:"labels"`
		LovaszHinge     float64   `json:"lovasz_hinge"`
		LovaszHingeGrad []float64 `json:"lovasz_hinge_grad"`
	} `json:"hinge"`
	Attention []struct {
		Name          string    `json:"name"`
		StudentDims   []int     `json:"student_dims"`
		TeacherDims   []int     `json:"teacher_dims"`
		Student       []float64 `json:"student"`
		Teacher       []float64 `json:"teacher"`
		Attention     float64   `json:"attention"`
		AttentionGrad []float64 `json:"attention_grad"`
	} `json:"attention"`
	Known struct {
		Logits         []float64 `json:"logits"`
		Labels         []int32   `json:"labels"`
		LovaszSoftmax  float64   `json:"lovasz_softmax"`
		DiceForeground float64   `json:"dice_foreground"`
	} `json:"known"`
}

var loadGolden = sync.OnceValues(func() (*golden, error) {
	data, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		return nil, err
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, err
	}
	return &g, nil
})

func mustGolden(t testing.TB) *golden {
	t.Helper()
	g, err := loadGolden()
	if err != nil {
		t.Fatalf("reading golden values (regenerate with testdata/generate_golden.py): %v", err)
	}
	return g
}
