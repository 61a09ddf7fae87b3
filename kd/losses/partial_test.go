package losses

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// partialBatch is a batch of 3 images of 4×4 pixels and 2 classes whose labels leave pixels unlabelled: image 0
// fully labelled, image 1 every third pixel unlabelled, image 2 not at all.
type partialBatch struct {
	logits, target []float64 // [3, 4, 4, 2]: the student's logits, a probability target.
	labels         []int32   // [3, 4, 4], datasets.Unlabelled where unlabelled.
}

const partialImages, partialPixels, partialClasses = 3, 16, 2

func newPartialBatch(rng *rand.Rand) partialBatch {
	var b partialBatch
	for range partialImages * partialPixels * partialClasses {
		b.logits = append(b.logits, 2*rng.NormFloat64())
	}
	for p := range partialImages * partialPixels {
		class := int32(rng.IntN(partialClasses))
		if image := p / partialPixels; image == 2 || (image == 1 && p%3 == 0) {
			class = datasets.Unlabelled
		}
		b.labels = append(b.labels, class)
		weight := rng.Float64()
		b.target = append(b.target, weight, 1-weight)
	}
	return b
}

// labelled returns the logits, target and labels of the labelled pixels of the given images, as one image of
// [1, P, 1, C]: the set that a loss over the labelled pixels alone sees.
func (b partialBatch) labelled(images ...int) (logits, target, labels *tensors.Tensor) {
	var l, tg []float64
	var lab []int32
	for _, image := range images {
		for p := image * partialPixels; p < (image+1)*partialPixels; p++ {
			if b.labels[p] == datasets.Unlabelled {
				continue
			}
			l = append(l, b.logits[p*partialClasses:(p+1)*partialClasses]...)
			tg = append(tg, b.target[p*partialClasses:(p+1)*partialClasses]...)
			lab = append(lab, b.labels[p])
		}
	}
	n := len(lab)
	return tensors.FromFlatDataAndDimensions(l, 1, n, 1, partialClasses),
		tensors.FromFlatDataAndDimensions(tg, 1, n, 1, partialClasses), tensors.FromFlatDataAndDimensions(lab, 1, n, 1)
}

func (b partialBatch) tensors() (logits, target, labels *tensors.Tensor) {
	return tensors.FromFlatDataAndDimensions(b.logits, partialImages, 4, 4, partialClasses),
		tensors.FromFlatDataAndDimensions(b.target, partialImages, 4, 4, partialClasses),
		tensors.FromFlatDataAndDimensions(b.labels, partialImages, 4, 4)
}

// TestPartialLabelsScoreTheLabelledPixelsOnly checks every label term with partial labels against the same term
// computed on the labelled pixels alone, that the unlabelled pixels get no gradient from it, that a batch without
// a labelled pixel scores 0, and that fully labelled data scores as without the option.
func TestPartialLabelsScoreTheLabelledPixelsOnly(t *testing.T) {
	b := newPartialBatch(rand.New(rand.NewPCG(5, 9)))
	logits, target, labels := b.tensors()
	// Each term: partial (in: logits, labels, target) and plain (the same term without the option).
	terms := []struct {
		name           string
		partial, plain func(logits, labels, target *graph.Node) *graph.Node
		// reference computes the partial term's expected value from plain, on the labelled pixels.
		reference func(plain func(logits, labels, target *tensors.Tensor) float64) float64
	}{
		{"dice", func(l, lab, _ *graph.Node) *graph.Node { return Dice(lab, l).PartialLabels(true).Done() },
			func(l, lab, _ *graph.Node) *graph.Node { return DiceLoss(lab, l) },
			func(plain func(l, lab, tg *tensors.Tensor) float64) float64 {
				// Per image, then the mean over the images with a labelled pixel.
				l0, tg0, lab0 := b.labelled(0)
				l1, tg1, lab1 := b.labelled(1)
				return (plain(l0, lab0, tg0) + plain(l1, lab1, tg1)) / 2
			}},
		{"lovasz", func(l, lab, _ *graph.Node) *graph.Node { return LovaszSoftmax(lab, l).PartialLabels(true).Done() },
			func(l, lab, _ *graph.Node) *graph.Node { return LovaszSoftmaxLoss(lab, l) }, nil},
		{"cross_entropy", func(l, lab, _ *graph.Node) *graph.Node { return crossEntropy(lab, l, true) },
			func(l, lab, _ *graph.Node) *graph.Node { return CrossEntropyLoss(lab, l) }, nil},
		{"target_supervision", func(l, lab, tg *graph.Node) *graph.Node {
			return graph.Add(targetSupervision(lab, tg, true), graph.MulScalar(graph.ReduceAllSum(l), 0)) // Its gradient w.r.t. the logits: 0.
		}, func(l, lab, tg *graph.Node) *graph.Node {
			return graph.Add(TargetSupervisionLoss(lab, tg), graph.MulScalar(graph.ReduceAllSum(l), 0))
		}, nil},
	}
	for _, term := range terms {
		t.Run(term.name, func(t *testing.T) {
			evaluate := func(fn func(l, lab, tg *graph.Node) *graph.Node, l, lab, tg *tensors.Tensor) (float64, []float64) {
				return valueAndGradient(t, func(_ *model.Scope, in []*graph.Node) *graph.Node { return fn(in[0], in[1], in[2]) },
					l, lab, tg)
			}
			plain := func(l, lab, tg *tensors.Tensor) float64 { value, _ := evaluate(term.plain, l, lab, tg); return value }
			got, gradient := evaluate(term.partial, logits, labels, target)
			var want float64
			if term.reference != nil {
				want = term.reference(plain)
			} else {
				l, tg, lab := b.labelled(0, 1, 2)
				want = plain(l, lab, tg)
			}
			if !(want > 0) || !closeRel(got, want, 1e-9, 1e-12) {
				t.Errorf("with partial labels %.12g, on the labelled pixels alone %.12g", got, want)
			}
			for p, class := range b.labels {
				for c := range partialClasses {
					if g := gradient[p*partialClasses+c]; class == datasets.Unlabelled && g != 0 {
						t.Fatalf("unlabelled pixel %d class %d has gradient %g", p, c, g)
					}
				}
			}
			unlabelled := make([]int32, len(b.labels))
			for i := range unlabelled {
				unlabelled[i] = datasets.Unlabelled
			}
			none, noneGradient := evaluate(term.partial, logits, tensors.FromFlatDataAndDimensions(unlabelled, partialImages, 4, 4), target)
			if none != 0 || slicesHaveNaN(noneGradient) {
				t.Errorf("a batch without labels scores %g (gradient NaN: %v), want 0", none, slicesHaveNaN(noneGradient))
			}
			full := randomLabels(rand.New(rand.NewPCG(1, 2)), partialClasses, partialImages, 4, 4)
			withOption, _ := evaluate(term.partial, logits, full, target)
			if without := plain(logits, full, target); !closeRel(withOption, without, 1e-12, 1e-12) {
				t.Errorf("fully labelled: %.15g with the option, %.15g without", withOption, without)
			}
		})
	}
}

func slicesHaveNaN(values []float64) bool {
	for _, v := range values {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}

// TestObjectivePartialLabels checks that an objective with partial labels scores the label terms over the labelled
// pixels and the KL term over every pixel, and that only then does its description say so.
func TestObjectivePartialLabels(t *testing.T) {
	b := newPartialBatch(rand.New(rand.NewPCG(3, 4)))
	logits, teacher, labels := b.tensors() // The target's values serve as a teacher's logits.
	objective := DefaultObjective().PartialLabels(true).Hint(0).Attention(0)
	exec, err := model.NewExec(testBackend(), model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		_, terms := objective.Loss(scope, Inputs{Labels: in[1], StudentLogits: in[0], TeacherLogits: in[2:3]})
		return []*graph.Node{terms[TermDice], terms[TermLovasz], terms[TermKL],
			Dice(in[1], in[0]).PartialLabels(true).Done(), LovaszSoftmax(in[1], in[0]).PartialLabels(true).Done(),
			KLDistillationLoss(in[2], in[0], 4)}
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(logits, labels, teacher)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{TermDice, TermLovasz, TermKL} {
		if got, want := scalarOf(t, outputs[i]), scalarOf(t, outputs[i+3]); got != want {
			t.Errorf("term %s: %.12g, want %.12g", name, got, want)
		}
	}
	if s := objective.String(); !strings.Contains(s, "partial_labels=true") {
		t.Errorf("description %q does not name partial labels", s)
	}
	if s := DefaultObjective().String(); strings.Contains(s, "partial_labels") {
		t.Errorf("description %q names partial labels, which are off", s)
	}
}
