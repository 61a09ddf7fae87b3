package train

import (
	"slices"
	"testing"

	"github.com/gokd/gokd/kd/inference"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestGraftedTeacherIsTheTrainedOne guards distillation's premise: the teacher network built inside a training
// graph finds the trained teacher's variables (it creates none) and computes the trained teacher's logits.
func TestGraftedTeacherIsTheTrainedOne(t *testing.T) {
	backend := newBackend(t)
	samples := toySamples(8, 1)
	teacher, err := inference.NewModel(backend, "teacher", toyNet(4), 7)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	if err := graftTeacher(store, 1, teacher); err != nil {
		t.Fatal(err)
	}
	grafted := store.NumVariables()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) *Node {
		return StopGradient(mustApply(teacher.Net, teacherNetScope(scope, 1), images).Logits)
	})
	if err != nil {
		t.Fatal(err)
	}
	images, err := inference.StackImages(samples, len(samples))
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := exec.Exec(images)
	if err != nil {
		t.Fatal(err)
	}
	for v := range store.IterVariables() {
		if v.Trainable {
			t.Errorf("building the grafted teacher created or unfroze variable %s", v.Path())
		}
	}
	if store.NumVariables() > grafted+1 { // +1: the initialiser's random state.
		t.Errorf("the grafted teacher created %d variables: it does not find the trained ones", store.NumVariables()-grafted)
	}
	predictor, err := teacher.NewPredictor(backend)
	if err != nil {
		t.Fatal(err)
	}
	want, err := predictor.Logits(samples, len(samples))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](outputs[0])
	if !slices.Equal(got[:len(want[0])], want[0]) {
		t.Fatalf("grafted teacher's logits %v… differ from the trained teacher's %v…", got[:4], want[0][:4])
	}
}
