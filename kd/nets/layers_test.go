package nets

import (
	"math"
	"slices"
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

func TestSpaceToDepthLayoutAndInverse(t *testing.T) {
	backend := testBackend(t)
	const b, h, w, c, factor = 2, 4, 6, 3, 2
	input := wavyTensor(b, h, w, c)
	exec, err := NewExec(backend, func(x *Node) (*Node, *Node) {
		folded := SpaceToDepth(x, factor)
		return folded, DepthToSpace(folded, factor)
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(input)
	if err != nil {
		t.Fatal(err)
	}
	folded, restored := outputs[0], outputs[1]
	wantDims := []int{b, h / factor, w / factor, factor * factor * c}
	if got := folded.Shape().Dimensions; !slices.Equal(got, wantDims) {
		t.Fatalf("SpaceToDepth dims %v, want %v", got, wantDims)
	}
	// Channel (dy·factor + dx)·c + k of folded position (y, x) is input pixel (factor·y + dy, factor·x + dx), k.
	in, got := tensors.MustCopyFlatData[float32](input), tensors.MustCopyFlatData[float32](folded)
	want := make([]float32, len(in))
	i := 0
	for n := range b {
		for y := range h / factor {
			for x := range w / factor {
				for dy := range factor {
					for dx := range factor {
						for k := range c {
							want[i] = in[((n*h+factor*y+dy)*w+factor*x+dx)*c+k]
							i++
						}
					}
				}
			}
		}
	}
	assertClose(t, "SpaceToDepth", want, got, 0)
	assertClose(t, "DepthToSpace∘SpaceToDepth", in, tensors.MustCopyFlatData[float32](restored), 0)
}
