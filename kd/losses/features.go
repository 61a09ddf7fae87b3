package losses

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	. "github.com/gomlx/gomlx/support/exceptions"
)

// Names of the hint adapter's variables, created in the scope given to [HintLoss].
const (
	HintAdapterWeights = "hint_adapter_weights" // [c_student, c_teacher]
	HintAdapterBiases  = "hint_adapter_biases"  // [c_teacher], initialised to 0.
)

// FeaturePair is one student feature map and the teacher feature map it should imitate, both channels-last
// [B, h, w, c]. Name identifies the pair (e.g. "bottleneck"): it names the hint adapter's sub-scope.
type FeaturePair struct {
	Name             string
	Student, Teacher *Node
	// TeacherIndex is the position, in Inputs.TeacherLogits, of the teacher whose feature Teacher is. With several
	// teachers [Objective.Loss] weights each teacher's pairs as it weights that teacher's logits, so that K
	// teachers' pairs do not count K times as much as one teacher's; with one teacher (or none) it is unused.
	TeacherIndex int
}

// HintLoss is the FitNets hint loss (Romero et al., 2015): the student feature [B, h_s, w_s, c_s] goes through a
// learned 1×1 convolution (variables [HintAdapterWeights] and [HintAdapterBiases] in scope, He-initialised by the
// scope's default initializer) to the teacher's channel count, is resized to the teacher's spatial size when they
// differ (see resizeSpatial), and is compared with the teacher feature [B, h_t, w_t, c_t] by mean squared error.
// The teacher gets no gradient. It returns a scalar.
func HintLoss(scope *model.Scope, student, teacher *Node) *Node {
	checkFeatures("HintLoss", student, teacher)
	if scope == nil {
		Panicf("losses.HintLoss: scope is nil")
	}
	studentChannels, teacherChannels := student.Shape().Dim(-1), teacher.Shape().Dim(-1)
	weights := scope.VariableWithShape(HintAdapterWeights,
		shapes.Make(student.DType(), studentChannels, teacherChannels)).NodeValue(student)
	biases := scope.VariableWithShape(HintAdapterBiases, shapes.Make(student.DType(), teacherChannels)).NodeValue(student)
	adapted := Add(Einsum("bhwc,cd->bhwd", student, weights), Reshape(biases, 1, 1, 1, teacherChannels))
	adapted = resizeSpatial(adapted, teacher.Shape().Dim(1), teacher.Shape().Dim(2))
	return ReduceAllMean(Square(Sub(adapted, StopGradient(teacher))))
}

// AttentionTransferLoss is the attention transfer loss of Zagoruyko & Komodakis (ICLR 2017): each feature map
// [B, h, w, c] becomes an attention map, the mean over channels of f², flattened and L2-normalised per image (an
// all-zero map stays zero); the loss is the squared L2 distance between the student's and the teacher's maps,
// averaged over the batch. Channel counts may differ; the student map is resized to the teacher's spatial size
// when they differ. The teacher gets no gradient. It returns a scalar.
func AttentionTransferLoss(student, teacher *Node) *Node {
	checkFeatures("AttentionTransferLoss", student, teacher)
	teacherHeight, teacherWidth := teacher.Shape().Dim(1), teacher.Shape().Dim(2)
	studentMap := resizeSpatial(ReduceAndKeep(Square(student), ReduceMean, -1), teacherHeight, teacherWidth)
	teacherMap := ReduceAndKeep(Square(StopGradient(teacher)), ReduceMean, -1)
	batchSize := student.Shape().Dim(0)
	flatNormalised := func(attention *Node) *Node {
		return L2Normalize(Reshape(attention, batchSize, -1), 1)
	}
	difference := Sub(flatNormalised(studentMap), flatNormalised(teacherMap))
	return ReduceAllMean(ReduceSum(Square(difference), 1))
}

// checkFeatures panics unless student and teacher are float [B, h, w, c] maps with the same batch size and dtype.
func checkFeatures(lossName string, student, teacher *Node) {
	if student == nil || teacher == nil {
		Panicf("losses.%s: student or teacher feature is nil", lossName)
	}
	if !student.DType().IsFloat() || student.Rank() != 4 || teacher.Rank() != 4 ||
		student.DType() != teacher.DType() || student.Shape().Dim(0) != teacher.Shape().Dim(0) {
		Panicf("losses.%s: student %s and teacher %s features must be float [B, h, w, c] with the same B and dtype",
			lossName, student.Shape(), teacher.Shape())
	}
}

// resizeSpatial resizes x [B, h, w, c] to [B, height, width, c] with operations that have a gradient on the Go
// backend: average pooling when shrinking by integer factors (every input pixel counts), nearest-neighbour
// interpolation otherwise (bilinear's gradient is broken in GoMLX for axes of size ≤ 3).
func resizeSpatial(x *Node, height, width int) *Node {
	h, w := x.Shape().Dim(1), x.Shape().Dim(2)
	switch {
	case h == height && w == width:
		return x
	case h >= height && w >= width && h%height == 0 && w%width == 0:
		return MeanPool(x).WindowPerAxis(h/height, w/width).StridePerAxis(h/height, w/width).NoPadding().Done()
	default:
		return Interpolate(x, NoInterpolation, height, width, NoInterpolation).Nearest().Done()
	}
}
