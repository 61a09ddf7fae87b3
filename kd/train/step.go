package train

import (
	"fmt"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/nets"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule"
	"github.com/gomlx/gomlx/support/exceptions"
)

// mustApply applies net in scope to images, panicking (GoMLX exception) with its error: in a graph function.
func mustApply(net *nets.Config, scope *model.Scope, images *Node) *nets.Output {
	out, err := net.Apply(scope, images)
	if err != nil {
		exceptions.Panicf("%v", err)
	}
	return out
}

// addTeacher adds teacher k's logits to the objective's inputs, and its features (one per name of features)
// paired with the student's, weighted as the objective weights the teacher's logits.
func addTeacher(in *losses.Inputs, student *nets.Output, k int, logits *Node, features []string, teacher []*Node) {
	index := len(in.TeacherLogits)
	in.TeacherLogits = append(in.TeacherLogits, logits)
	for i, name := range features {
		in.Features = append(in.Features, losses.FeaturePair{Name: fmt.Sprintf("t%d_%s", k, name),
			Student: student.Features[name], Teacher: teacher[i], TeacherIndex: index})
	}
}

// stepGraph returns the model function of a training step: the student's forward pass, the frozen teachers'
// (online, or their precomputed outputs), the cosine schedule when set, and the objective, whose total is the
// step's loss. It returns the student's logits and every term of the objective (0 for an absent one, whose entry of
// present it leaves false).
func (job *Job) stepGraph(objective *losses.Objective, lr float64, present map[string]bool) func(scope *model.Scope, inputs []*Node) []*Node {
	return func(scope *model.Scope, inputs []*Node) []*Node {
		images, labels := inputs[0], inputs[1]
		student := mustApply(job.Net, scope.In(studentScope).In("%s", inference.NetScope), images)
		in := losses.Inputs{Labels: labels, StudentLogits: student.Logits}
		if job.Precomputed != nil {
			logits, features := splitPrecomputed(inputs[2], job.Precomputed)
			for k := range logits {
				addTeacher(&in, student, k, logits[k], job.Features, features[k])
			}
		}
		for k, teacher := range job.Teachers {
			out := mustApply(teacher.Net, teacherNetScope(scope, k), images)
			features := make([]*Node, len(job.Features))
			for i, name := range job.Features {
				features[i] = StopGradient(out.Features[name])
			}
			addTeacher(&in, student, k, StopGradient(out.Logits), job.Features, features)
		}
		if job.CosineDecay {
			cosineschedule.New(scope, images.Graph(), student.Logits.DType()).LearningRate(lr).
				PeriodSteps(job.Steps).Done()
		}
		total, terms := objective.Loss(scope.In("objective"), in)
		gomlxtrain.AddMainLoss(total)
		predictions := []*Node{student.Logits}
		for _, term := range allTerms {
			node, found := terms[term]
			if !found {
				node = ScalarZero(images.Graph(), total.DType())
			}
			present[term] = found
			predictions = append(predictions, node)
		}
		return predictions
	}
}
