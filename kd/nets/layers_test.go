package nets

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// groupNormReference is group normalisation of x [b, h, w, c] with unit scale and zero offset, in plain Go with
// the two-pass (x - mean)² variance.
func groupNormReference(x []float32, b, h, w, c, groups int) []float32 {
	out := make([]float32, len(x))
	perGroup := c / groups
	for sample := range b {
		for group := range groups {
			index := func(pixel, k int) int { return (sample*h*w+pixel)*c + group*perGroup + k }
			var sum float64
			for pixel := range h * w {
				for k := range perGroup {
					sum += float64(x[index(pixel, k)])
				}
			}
			n := float64(h * w * perGroup)
			mean := sum / n
			var squares float64
			for pixel := range h * w {
				for k := range perGroup {
					d := float64(x[index(pixel, k)]) - mean
					squares += d * d
				}
			}
			std := math.Sqrt(squares/n + normEpsilon)
			for pixel := range h * w {
				for k := range perGroup {
					out[index(pixel, k)] = float32((float64(x[index(pixel, k)]) - mean) / std)
				}
			}
		}
	}
	return out
}

func TestGroupNormMatchesTwoPassReference(t *testing.T) {
	backend := testBackend(t)
	const b, h, w, c, groups = 2, 3, 4, 6, 3
	input := wavyTensor(b, h, w, c)
	// An offset far from zero checks that the one-pass variance E[x²]-E[x]² does not lose the signal.
	shifted := tensors.MustCopyFlatData[float32](input)
	for i := range shifted {
		shifted[i] = 10 + 3*shifted[i]
	}
	exec, err := model.NewExec(backend, model.NewStore(), func(scope *model.Scope, x *Node) *Node {
		return Normalize(scope, x, NormGroup, groups)
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(tensors.FromFlatDataAndDimensions(shifted, b, h, w, c))
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "group norm", groupNormReference(shifted, b, h, w, c, groups),
		tensors.MustCopyFlatData[float32](outputs[0]), 2e-3)
}
