package nets

import (
	"fmt"
	"math"
	"testing"

	gokdbackend "github.com/gokd/gokd/backend"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// testBackend returns the backend named by $GOMLX_BACKEND (GoKD's selection), the Go backend by default.
func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	backend, err := gokdbackend.FromEnv()
	if err != nil {
		t.Fatalf("creating backend: %v", err)
	}
	return backend
}

// convCase is one convolution configuration compared across implementations.
type convCase struct {
	name                            string
	batch, height, width, inC, outC int
	kernelSize                      int
	depthwise, separable            bool
}

func (cc convCase) build(scope *model.Scope, x *Node, impl ConvImpl) *Node {
	var conv *ConvBuilder
	switch {
	case cc.depthwise:
		conv = DepthwiseConv2D(scope, x).UseBias(true)
	case cc.separable:
		conv = SeparableConv2D(scope, x, cc.outC)
	default:
		conv = Conv2D(scope, x, cc.outC).KernelSize(cc.kernelSize)
	}
	return conv.Impl(impl).Done()
}

// parameters returns the convolution's trainable variables' values: kernel(s), then bias.
func (cc convCase) parameters(scope *model.Scope, g *Graph) []*Node {
	value := func(scope *model.Scope, name string) *Node { return scope.GetVariable(name).NodeValue(g) }
	if cc.separable {
		pointwise := scope.Shared(PointwiseScope) // Already entered by the convolution.
		return []*Node{value(scope.Shared(DepthwiseScope), WeightsVar), value(pointwise, WeightsVar),
			value(pointwise, BiasesVar)}
	}
	return []*Node{value(scope, WeightsVar), value(scope, BiasesVar)}
}

// convOutputsAndGradients runs the convolution with impl in a fresh store sharing the given variables, returning
// the output, the gradient of a non-uniformly weighted sum of the output with respect to the input, the kernel(s)
// and the bias.
func convOutputsAndGradients(t *testing.T, backend compute.Backend, store *model.Store, cc convCase, impl ConvImpl,
	input *tensors.Tensor) [][]float32 {
	t.Helper()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) []*Node {
		convScope := scope.In("conv")
		y := cc.build(convScope, x, impl)
		// Weight each output element differently so every gradient entry is exercised.
		weights := Sin(IotaFull(x.Graph(), y.Shape()))
		loss := ReduceAllSum(Mul(y, weights))
		grads := Gradient(loss, append([]*Node{x}, cc.parameters(convScope, x.Graph())...)...)
		return append([]*Node{y}, grads...)
	})
	if err != nil {
		t.Fatalf("%s/%s: NewExec: %v", cc.name, impl, err)
	}
	outputs, err := exec.Call(input)
	if err != nil {
		t.Fatalf("%s/%s: Call: %v", cc.name, impl, err)
	}
	flat := make([][]float32, len(outputs))
	for i, output := range outputs {
		flat[i] = tensors.MustCopyFlatData[float32](output)
	}
	return flat
}

func TestShiftedConvMatchesNative(t *testing.T) {
	backend := testBackend(t)
	cases := []convCase{
		{name: "3x3", batch: 2, height: 5, width: 7, inC: 3, outC: 4, kernelSize: 3},
		{name: "3x3-single-pixel", batch: 3, height: 1, width: 1, inC: 2, outC: 2, kernelSize: 3},
		{name: "3x3-one-row", batch: 1, height: 1, width: 6, inC: 1, outC: 3, kernelSize: 3},
		{name: "1x1", batch: 2, height: 4, width: 3, inC: 5, outC: 2, kernelSize: 1},
		{name: "depthwise", batch: 2, height: 6, width: 4, inC: 3, outC: 3, kernelSize: 3, depthwise: true},
		{name: "separable", batch: 2, height: 5, width: 6, inC: 3, outC: 5, kernelSize: 3, separable: true},
		{name: "3x3-batch1-wide", batch: 1, height: 4, width: 9, inC: 2, outC: 3, kernelSize: 3},
		{name: "3x3-large", batch: 8, height: 24, width: 24, inC: 8, outC: 16, kernelSize: 3}, // Sizes where XLA may pick other conv kernels.
	}
	for _, cc := range cases {
		t.Run(cc.name, func(t *testing.T) {
			input := wavyTensor(cc.batch, cc.height, cc.width, cc.inC)
			store := model.NewStore()
			native := convOutputsAndGradients(t, backend, store, cc, ConvNative, input)
			shifted := convOutputsAndGradients(t, backend, store, cc, ConvShifted, input)
			if len(native) != len(shifted) {
				t.Fatalf("%d outputs with native, %d with shifted", len(native), len(shifted))
			}
			for i := range native {
				assertClose(t, fmt.Sprintf("%s output %d (value, then gradients)", cc.name, i), native[i], shifted[i], 1e-4)
			}
		})
	}
}

// wavyTensor returns a float32 tensor with the given dimensions filled with a deterministic non-constant pattern.
func wavyTensor(dims ...int) *tensors.Tensor {
	size := 1
	for _, d := range dims {
		size *= d
	}
	flat := make([]float32, size)
	for i := range flat {
		flat[i] = float32(math.Cos(float64(i) * 0.7))
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

func assertClose(t *testing.T, what string, want, got []float32, tolerance float64) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	nonZero := false
	for i := range want {
		if diff := math.Abs(float64(want[i] - got[i])); diff > tolerance*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s: element %d = %g, want %g", what, i, got[i], want[i])
		}
		nonZero = nonZero || want[i] != 0
	}
	if !nonZero {
		t.Fatalf("%s: all values are zero, the comparison is vacuous", what)
	}
}
