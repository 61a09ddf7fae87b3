package losses

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// confidenceWeightsReference computes ConfidenceTeacherWeights in plain Go: per sample, each teacher's mean
// cross-entropy over the labelled pixels (label in [0, C)), then (1 − softmax over teachers) / (K − 1).
func confidenceWeightsReference(labels []int32, teachers [][]float64, b, pixels, classes int) [][]float64 {
	k := len(teachers)
	weights := make([][]float64, k)
	for t := range weights {
		weights[t] = make([]float64, b)
	}
	for s := range b {
		loss := make([]float64, k)
		for t, logits := range teachers {
			sum, count := 0.0, 0
			for p := range pixels {
				label := labels[s*pixels+p]
				if label < 0 || int(label) >= classes {
					continue
				}
				row := logits[(s*pixels+p)*classes : (s*pixels+p+1)*classes]
				maxLogit := math.Inf(-1)
				for _, v := range row {
					maxLogit = math.Max(maxLogit, v)
				}
				z := 0.0
				for _, v := range row {
					z += math.Exp(v - maxLogit)
				}
				sum += -(row[label] - maxLogit - math.Log(z))
				count++
			}
			if count > 0 {
				loss[t] = sum / float64(count)
			}
		}
		z := 0.0
		for _, l := range loss {
			z += math.Exp(l)
		}
		for t := range k {
			weights[t][s] = (1 - math.Exp(loss[t])/z) / float64(k-1)
		}
	}
	return weights
}

func TestConfidenceTeacherWeights(t *testing.T) {
	const b, h, w, classes, k = 3, 4, 4, 2, 3
	rng := rand.New(rand.NewPCG(5, 6))
	labels := make([]int32, b*h*w)
	for i := range labels {
		labels[i] = int32(rng.IntN(classes))
	}
	for i := 2 * h * w; i < 3*h*w; i++ { // The third sample is unlabelled.
		labels[i] = -1
	}
	teachers := make([][]float64, k)
	inputs := []any{tensors.FromFlatDataAndDimensions(labels, b, h, w)}
	for t := range teachers {
		teachers[t] = make([]float64, b*h*w*classes)
		for i := range teachers[t] {
			// Teacher 0 agrees with the labels, the others less and less.
			teachers[t][i] = rng.NormFloat64() * float64(1+t)
			if labels[i/classes] == int32(i%classes) {
				teachers[t][i] += 3 / float64(1+2*t)
			}
		}
		inputs = append(inputs, tensors.FromFlatDataAndDimensions(teachers[t], b, h, w, classes))
	}
	exec, err := graph.NewExec(testBackend(), func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{ConfidenceTeacherWeights(in[0], in[1:]), ConfidenceWeightedTeacherProbs(in[0], in[1:], 2)}
	})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Call(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	got := flatFloat64(t, outputs[0])
	want := confidenceWeightsReference(labels, teachers, b, h*w, classes)
	var flat []float64
	for _, row := range want {
		flat = append(flat, row...)
	}
	assertClose(t, "ConfidenceTeacherWeights", got, flat, 1e-9, 1e-12)
	for s := range b {
		sum := 0.0
		for t := range k {
			sum += want[t][s]
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("sample %d: weights sum to %g, want 1", s, sum)
		}
	}
	if want[0][0] <= want[2][0] {
		t.Errorf("the teacher that fits the labels weighs %g, less than the worst one's %g", want[0][0], want[2][0])
	}
	for tt := range k {
		if math.Abs(want[tt][2]-1.0/k) > 1e-12 || math.Abs(got[tt*b+2]-1.0/k) > 1e-9 {
			t.Errorf("unlabelled sample: teacher %d weighs %g (reference %g), want 1/%d", tt, got[tt*b+2], want[tt][2], k)
		}
	}
	// The target is the per-sample mixture of the softened teachers.
	target := flatFloat64(t, outputs[1])
	for s := range b {
		for p := range h * w {
			for c := range classes {
				mix := 0.0
				for tt := range k {
					row := teachers[tt][(s*h*w+p)*classes : (s*h*w+p+1)*classes]
					z := 0.0
					for _, v := range row {
						z += math.Exp(v / 2)
					}
					mix += want[tt][s] * math.Exp(row[c]/2) / z
				}
				if i := (s*h*w+p)*classes + c; !closeRel(target[i], mix, 1e-9, 1e-12) {
					t.Fatalf("target[%d] = %g, want %g", i, target[i], mix)
				}
			}
		}
	}
}
