package losses

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func randomTensor(rng *rand.Rand, scale float64, dims ...int) *tensors.Tensor {
	values := make([]float64, shapes.Make(dtypes.Float64, dims...).Size())
	for i := range values {
		values[i] = rng.NormFloat64() * scale
	}
	return tensors.FromFlatDataAndDimensions(values, dims...)
}

func randomLabels(rng *rand.Rand, numClasses int, dims ...int) *tensors.Tensor {
	values := make([]int32, shapes.Make(dtypes.Int32, dims...).Size())
	for i := range values {
		values[i] = int32(rng.IntN(numClasses))
	}
	return tensors.FromFlatDataAndDimensions(values, dims...)
}

// TestGradientsMatchFiniteDifferences checks every loss's analytic gradient w.r.t. its first input against
// central differences in float64.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	logits := randomTensor(rng, 2, 2, 3, 3, 3)
	labels := randomLabels(rng, 3, 2, 3, 3)
	teacher := randomTensor(rng, 3, 2, 3, 3, 3)
	binaryLabels := randomLabels(rng, 2, 2, 3, 3)
	cases := []struct {
		name   string
		fn     lossFn
		inputs []*tensors.Tensor
	}{
		{"DiceLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node { return DiceLoss(in[1], in[0]) },
			[]*tensors.Tensor{logits, labels}},
		{"LovaszSoftmaxLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return LovaszSoftmaxLoss(in[1], in[0])
		}, []*tensors.Tensor{logits, labels}},
		{"LovaszHingeLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return LovaszHingeLoss(in[1], in[0])
		}, []*tensors.Tensor{randomTensor(rng, 2, 2, 3, 3), binaryLabels}},
		{"LovaszHinge whole batch", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return LovaszHinge(in[1], in[0]).PerImage(false).Done()
		}, []*tensors.Tensor{randomTensor(rng, 2, 2, 3, 3), binaryLabels}},
		{"KLDistillationLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return KLDistillationLoss(in[1], in[0], 4)
		}, []*tensors.Tensor{logits, teacher}},
		{"CrossEntropyLoss", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return CrossEntropyLoss(in[1], in[0])
		}, []*tensors.Tensor{logits, labels}},
		{"AttentionTransferLoss resized", func(_ *model.Scope, in []*graph.Node) *graph.Node {
			return AttentionTransferLoss(in[0], in[1])
		}, []*tensors.Tensor{randomTensor(rng, 1, 2, 4, 4, 2), randomTensor(rng, 1, 2, 2, 2, 3)}},
		{"HintLoss pooled", func(scope *model.Scope, in []*graph.Node) *graph.Node {
			return HintLoss(scope, in[0], in[1])
		}, []*tensors.Tensor{randomTensor(rng, 1, 2, 4, 4, 2), randomTensor(rng, 1, 2, 2, 2, 3)}},
		{"HintLoss upsampled", func(scope *model.Scope, in []*graph.Node) *graph.Node {
			return HintLoss(scope, in[0], in[1])
		}, []*tensors.Tensor{randomTensor(rng, 1, 1, 2, 2, 2), randomTensor(rng, 1, 1, 3, 3, 3)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := model.NewStore()
			exec := newLossExec(t, store, c.fn, true)
			outputs, err := exec.Call(anySlice(c.inputs)...)
			if err != nil {
				t.Fatal(err)
			}
			analytic := flatFloat64(t, outputs[1])
			numeric := numericalGradient(t, store, c.fn, 1e-6, c.inputs...)
			assertClose(t, "gradient", analytic, numeric, 1e-4, 1e-4)
		})
	}
}

func TestAdaptiveTeacherWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	labels := randomLabels(rng, 2, 1, 4, 4)
	labelValues := tensors.MustCopyFlatData[int32](labels)
	// Teacher 0 is right everywhere, teacher 1 wrong everywhere.
	right, wrong := make([]float64, 32), make([]float64, 32)
	for i, label := range labelValues {
		right[2*i+int(label)] = 3
		wrong[2*i+1-int(label)] = 3
	}
	teachers := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(right, 1, 4, 4, 2), tensors.FromFlatDataAndDimensions(wrong, 1, 4, 4, 2)}

	store := model.NewStore()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		target := AdaptiveTeacherProbs(scope, in[1:], 4, false)
		weightLogits := scope.GetVariable(AdaptiveWeightsVariable).NodeValue(in[0])
		loss := TargetSupervisionLoss(in[0], target)
		return []*graph.Node{target, MeanTeacherProbs(in[1:], 4), graph.Gradient(loss, weightLogits)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(labels, teachers[0], teachers[1])
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "initial adaptive target = mean", flatFloat64(t, outputs[0]), flatFloat64(t, outputs[1]), 1e-12, 1e-12)
	gradient := flatFloat64(t, outputs[2])
	if len(gradient) != 2 || !(gradient[0] < 0 && gradient[1] > 0) {
		t.Fatalf("gradient w.r.t. weight logits = %v, want the right teacher's weight to grow ([<0, >0])", gradient)
	}
}

func TestEdgeCases(t *testing.T) {
	run := func(t *testing.T, fn lossFn, inputs ...*tensors.Tensor) float64 {
		value, _ := valueAndGradient(t, fn, inputs...)
		return value
	}
	dice := func(_ *model.Scope, in []*graph.Node) *graph.Node { return DiceLoss(in[1], in[0]) }
	lovasz := func(_ *model.Scope, in []*graph.Node) *graph.Node { return LovaszSoftmaxLoss(in[1], in[0]) }

	t.Run("one pixel", func(t *testing.T) {
		// p = softmax([0, log 3]) = [0.25, 0.75], label 1.
		logits := tensors.FromFlatDataAndDimensions([]float64{0, math.Log(3)}, 1, 1, 1, 2)
		labels := tensors.FromFlatDataAndDimensions([]int32{1}, 1, 1, 1)
		wantDice := ((1 - 1e-5/(0.25+1e-5)) + (1 - (1.5+1e-5)/(1.75+1e-5))) / 2
		assertClose(t, "Dice", []float64{run(t, dice, logits, labels)}, []float64{wantDice}, 1e-9, 0)
		// Only class 1 is present; with one pixel the Lovász weight is 1, so the loss is its error 1 − 0.75.
		assertClose(t, "Lovász", []float64{run(t, lovasz, logits, labels)}, []float64{0.25}, 1e-9, 0)
	})
	t.Run("no class present", func(t *testing.T) {
		// Ids outside [0, C) belong to no class: Lovász has nothing to average and returns 0.
		logits := randomTensor(rand.New(rand.NewPCG(1, 2)), 1, 1, 2, 2, 2)
		labels := tensors.FromFlatDataAndDimensions([]int32{2, 2, 2, 2}, 1, 2, 2)
		if got := run(t, lovasz, logits, labels); got != 0 {
			t.Fatalf("Lovász with no class present = %g, want 0", got)
		}
	})
	t.Run("NaN logits give NaN", func(t *testing.T) {
		logits := tensors.FromFlatDataAndDimensions([]float64{0, 1, math.NaN(), 0, 2, 1, 0, 0}, 1, 2, 2, 2)
		labels := tensors.FromFlatDataAndDimensions([]int32{0, 1, 1, 0}, 1, 2, 2)
		teacher := tensors.FromFlatDataAndDimensions(make([]float64, 8), 1, 2, 2, 2)
		fns := map[string]lossFn{
			"Dice": dice, "Lovász": lovasz,
			"KL": func(_ *model.Scope, in []*graph.Node) *graph.Node { return KLDistillationLoss(in[1], in[0], 4) },
		}
		for name, fn := range fns {
			other := labels
			if name == "KL" {
				other = teacher
			}
			if got := run(t, fn, logits, other); !math.IsNaN(got) {
				t.Errorf("%s with a NaN logit = %g, want NaN", name, got)
			}
		}
	})
}

func TestBadShapesAreErrors(t *testing.T) {
	logits := tensors.FromFlatDataAndDimensions(make([]float64, 2*3*3*2), 2, 3, 3, 2)
	cases := []struct {
		name, wantInMessage string
		fn                  func(in []*graph.Node) *graph.Node
		other               *tensors.Tensor
	}{
		{"labels of another size", "losses.Dice: labels", func(in []*graph.Node) *graph.Node {
			return DiceLoss(in[1], in[0])
		}, tensors.FromFlatDataAndDimensions(make([]int32, 8), 2, 2, 2)},
		{"float labels", "labels must be integer", func(in []*graph.Node) *graph.Node {
			return LovaszSoftmaxLoss(in[1], in[0])
		}, tensors.FromFlatDataAndDimensions(make([]float64, 18), 2, 3, 3)},
		{"teacher of another shape", "must have the same shape", func(in []*graph.Node) *graph.Node {
			return KLDistillationLoss(in[1], in[0], 2)
		}, tensors.FromFlatDataAndDimensions(make([]float64, 2*3*3*3), 2, 3, 3, 3)},
		{"zero temperature", "temperature must be positive", func(in []*graph.Node) *graph.Node {
			return KLDistillationLoss(in[1], in[0], 0)
		}, logits},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exec, err := graph.NewExec(testBackend(), func(in []*graph.Node) *graph.Node { return c.fn(in) })
			if err == nil {
				_, err = exec.Call(logits, c.other)
			}
			if err == nil || !strings.Contains(err.Error(), c.wantInMessage) {
				t.Fatalf("got error %v, want one containing %q", err, c.wantInMessage)
			}
		})
	}
}

func TestHintLossIsZeroForAMatchingAdapter(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	features := randomTensor(rng, 1, 2, 4, 4, 3)
	store := model.NewStore()
	identity := make([]float64, 9)
	for i := range 3 {
		identity[4*i] = 1
	}
	scope := store.RootScope().In("hint")
	if _, err := scope.CreateVariable(HintAdapterWeights, tensors.FromFlatDataAndDimensions(identity, 3, 3)); err != nil {
		t.Fatal(err)
	}
	exec := newLossExec(t, store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
		return HintLoss(scope.In("hint"), in[0], in[1])
	}, false)
	outputs, err := exec.Call(features, features)
	if err != nil {
		t.Fatal(err)
	}
	if got := scalarOf(t, outputs[0]); got != 0 {
		t.Fatalf("hint loss with identity adapter and teacher = student: %g, want 0", got)
	}
}

// TestSortByErrorSortsRows checks the sorting network against sort.Slice, for float32 (keys packed with the
// payload) and float64 (payload sorted alongside), on lengths that need padding, with ties.
func TestSortByErrorSortsRows(t *testing.T) {
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		for _, dims := range [][2]int{{1, 1}, {3, 37}, {2, 64}, {1, 1000}} {
			groups, pixels := dims[0], dims[1]
			rng := rand.New(rand.NewPCG(5, uint64(pixels)))
			errors, foreground := make([]float64, groups*pixels), make([]float64, groups*pixels)
			for i := range errors {
				errors[i] = float64(rng.IntN(pixels)) / float64(pixels) // Some ties.
				foreground[i] = float64(rng.IntN(2))
			}
			exec, err := graph.NewExec(testBackend(), func(errors, foreground *graph.Node) []*graph.Node {
				columns := func(x *graph.Node) *graph.Node { return graph.Transpose(graph.ConvertDType(x, dtype), 0, 1) }
				sortedForeground, positions := sortByError(columns(errors), columns(foreground))
				return []*graph.Node{graph.ConvertDType(sortedForeground, dtypes.Float64), positions}
			})
			if err != nil {
				t.Fatal(err)
			}
			outputs, err := exec.Call(tensors.FromFlatDataAndDimensions(errors, groups, pixels),
				tensors.FromFlatDataAndDimensions(foreground, groups, pixels))
			if err != nil {
				t.Fatal(err)
			}
			sortedForeground := tensors.MustCopyFlatData[float64](outputs[0])
			positions := tensors.MustCopyFlatData[int32](outputs[1])
			for row := range groups {
				rowErrors := errors[row*pixels : (row+1)*pixels]
				want := slices.Clone(rowErrors)
				sort.Sort(sort.Reverse(sort.Float64Slice(want)))
				rowPositions := positions[row*pixels : (row+1)*pixels]
				if sorted := slices.Sorted(slices.Values(rowPositions)); sorted[0] != 0 ||
					sorted[pixels-1] != int32(pixels-1) || len(slices.Compact(sorted)) != pixels {
					t.Fatalf("%s %v row %d: positions %v are not a permutation", dtype, dims, row, rowPositions)
				}
				for rank, position := range rowPositions {
					if rowErrors[position] != want[rank] {
						t.Fatalf("%s %v row %d rank %d: error %g, want %g", dtype, dims, row, rank,
							rowErrors[position], want[rank])
					}
					if got := sortedForeground[row*pixels+rank]; got != foreground[row*pixels+int(position)] {
						t.Fatalf("%s %v row %d rank %d: foreground %g, want that of pixel %d", dtype, dims, row,
							rank, got, position)
					}
				}
			}
		}
	}
}

// TestCumulativeSum checks the blocked prefix sum against a running sum, on lengths around the block size.
func TestCumulativeSum(t *testing.T) {
	for _, pixels := range []int{1, 5, cumulativeSumBlock, cumulativeSumBlock + 1, 3*cumulativeSumBlock*cumulativeSumBlock + 7} {
		const groups = 2
		rng := rand.New(rand.NewPCG(8, uint64(pixels)))
		x := make([]float32, groups*pixels)
		for i := range x {
			x[i] = float32(rng.IntN(2))
		}
		exec, err := graph.NewExec(testBackend(), cumulativeSum)
		if err != nil {
			t.Fatal(err)
		}
		outputs, err := exec.Call(tensors.FromFlatDataAndDimensions(x, groups, pixels))
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float32](outputs[0])
		for row := range groups {
			var sum float32
			for i := range pixels {
				sum += x[row*pixels+i]
				if got[row*pixels+i] != sum {
					t.Fatalf("length %d row %d [%d]: got %g, want %g", pixels, row, i, got[row*pixels+i], sum)
				}
			}
		}
	}
}
