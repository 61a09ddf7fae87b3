package losses

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// benchmarkLoss times forward+backward of fn on float32 logits [8, 128, 128, 2] (the second input is the labels,
// or a teacher's logits when withTeacher).
func benchmarkLoss(b *testing.B, fn lossFn, withTeacher bool) {
	benchmarkLossAt(b, 128, fn, withTeacher)
}

// benchmarkLossAt is benchmarkLoss on float32 logits [8, size, size, 2].
func benchmarkLossAt(b *testing.B, size int, fn lossFn, withTeacher bool) {
	rng := rand.New(rand.NewPCG(1, 1))
	const batch, classes = 8, 2
	logits := make([]float32, batch*size*size*classes)
	teacher := make([]float32, len(logits))
	for i := range logits {
		logits[i], teacher[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	labels := make([]int32, batch*size*size)
	for i := range labels {
		labels[i] = int32(rng.IntN(classes))
	}
	second := tensors.FromFlatDataAndDimensions(labels, batch, size, size)
	if withTeacher {
		second = tensors.FromFlatDataAndDimensions(teacher, batch, size, size, classes)
	}
	exec := newLossExec(b, model.NewStore(), fn, true)
	inputs := []any{tensors.FromFlatDataAndDimensions(logits, batch, size, size, classes), second}
	if _, err := exec.Call(inputs...); err != nil { // Compile outside the timing.
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		outputs, err := exec.Call(inputs...)
		if err != nil {
			b.Fatal(err)
		}
		for _, output := range outputs {
			output.FinalizeAll()
		}
	}
}

func BenchmarkDiceLoss(b *testing.B) {
	benchmarkLoss(b, func(_ *model.Scope, in []*graph.Node) *graph.Node { return DiceLoss(in[1], in[0]) }, false)
}

func BenchmarkLovaszSoftmaxLoss(b *testing.B) {
	benchmarkLoss(b, func(_ *model.Scope, in []*graph.Node) *graph.Node { return LovaszSoftmaxLoss(in[1], in[0]) }, false)
}

// BenchmarkLovaszSoftmaxLoss48 is the student's training shape, [8, 48, 48, 2]: 18432 pixels, not a power of two.
func BenchmarkLovaszSoftmaxLoss48(b *testing.B) {
	benchmarkLossAt(b, 48, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return LovaszSoftmaxLoss(in[1], in[0])
	}, false)
}

func BenchmarkLovaszHingeLoss(b *testing.B) {
	benchmarkLoss(b, func(_ *model.Scope, in []*graph.Node) *graph.Node {
		return LovaszHingeLoss(in[1], graph.SliceAxis(in[0], -1, graph.AxisElem(1)))
	}, false)
}

func BenchmarkKLDistillationLoss(b *testing.B) {
	benchmarkLoss(b, func(_ *model.Scope, in []*graph.Node) *graph.Node { return KLDistillationLoss(in[1], in[0], 4) }, true)
}

func BenchmarkAttentionTransferLoss(b *testing.B) {
	benchmarkLoss(b, func(_ *model.Scope, in []*graph.Node) *graph.Node { return AttentionTransferLoss(in[0], in[1]) }, true)
}
