package losses_test

import (
	"fmt"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// A student's loss against one teacher: Dice and temperature KL, the terms of weight 0 (Lovász, hints, attention)
// are not built. The student agrees with the labels but is less sure than the teacher: its soft Dice loss is small,
// and the KL term, scaled by T² = 4 as in Hinton et al., pulls it towards the teacher's sharper probabilities
// (0.731 against 0.953 for the right class at T = 2).
func ExampleObjective() {
	b, err := backend.New(backend.Go)
	if err != nil {
		fmt.Println(err)
		return
	}
	objective := losses.DefaultObjective().Lovasz(0).Hint(0).Attention(0).KL(1).Temperature(2)
	exec, err := model.NewExec(b, model.NewStore(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		total, terms := objective.Loss(scope, losses.Inputs{
			Labels: in[0], StudentLogits: in[1], TeacherLogits: []*graph.Node{in[2]}})
		return []*graph.Node{total, terms[losses.TermDice], terms[losses.TermKL]}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// One 1×2 image, two classes: pixel 0 is background, pixel 1 foreground.
	labels := tensors.FromFlatDataAndDimensions([]int32{0, 1}, 1, 1, 2)
	student := tensors.FromFlatDataAndDimensions([]float32{1, -1, -1, 1}, 1, 1, 2, 2)
	teacher := tensors.FromFlatDataAndDimensions([]float32{3, -3, -3, 3}, 1, 1, 2, 2)
	outputs, err := exec.Call(labels, student, teacher)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, name := range []string{"total", "dice", "kl"} {
		fmt.Printf("%s %.3f\n", name, outputs[i].Value())
	}
	// Output:
	// total 0.798
	// dice 0.119
	// kl 0.679
}
