package losses

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX graph code reads best with the dot import.
	"github.com/gomlx/gomlx/ml/model"
	. "github.com/gomlx/gomlx/support/exceptions"
)

// Term names, the keys of [Terms].
const (
	TermDice              = "dice"
	TermLovasz            = "lovasz"
	TermKL                = "kl"
	TermHint              = "hint"
	TermAttention         = "attention"
	TermCrossEntropy      = "cross_entropy"
	TermTargetSupervision = "target_supervision"
)

// termOrder is the order in which terms are added to the total.
var termOrder = []string{TermDice, TermLovasz, TermCrossEntropy, TermKL, TermTargetSupervision, TermHint, TermAttention}

// TermNames returns every term name an objective can compute, in the fixed order in which they are added to the
// total (a new slice: the caller may keep it).
func TermNames() []string { return slices.Clone(termOrder) }

// TeacherFusion selects how the logits of K teachers become one distillation target.
type TeacherFusion string

// Teacher fusions: the multi-teacher targets (a), (b) and (c) of the package documentation.
const (
	FusionMean     TeacherFusion = "mean"     // MeanTeacherProbs.
	FusionEntropy  TeacherFusion = "entropy"  // EntropyWeightedTeacherProbs.
	FusionAdaptive TeacherFusion = "adaptive" // AdaptiveTeacherProbs, trained by TargetSupervisionLoss.
	// FusionConfidence weighs the teachers on each sample by their loss against its labels (CA-MKD):
	// ConfidenceWeightedTeacherProbs. Input-dependent, nothing learned.
	FusionConfidence TeacherFusion = "confidence"
)

// fusions lists the valid teacher fusions.
var fusions = []TeacherFusion{FusionMean, FusionEntropy, FusionAdaptive, FusionConfidence}

// Terms maps a term name (TermDice, ...) to its unweighted scalar value. Only computed terms are present.
type Terms map[string]*Node

// Objective is the student's combined loss: a weighted sum of Dice, Lovász-softmax, temperature KL against the
// teachers' target, FitNets hints and attention transfer on feature pairs, optional cross-entropy, and (adaptive
// fusion only) the supervision of the learned teacher mixture. A term with weight 0 is not built.
//
// Create it with [DefaultObjective] and adjust it with the builder methods.
type Objective struct {
	diceWeight, lovaszWeight, klWeight, hintWeight, attentionWeight float64
	crossEntropyWeight, targetSupervisionWeight                     float64
	temperature                                                     float64
	fusion                                                          TeacherFusion
	adaptivePerClass                                                bool
	classBalancedKL                                                 bool
	partialLabels                                                   bool
}

// DefaultObjective returns our defaults (the paper's values are not available to us):
//   - Dice 1 and Lovász 1: the two hard-label segmentation terms named by the paper, with equal say; both are in
//     [0, 1] and are insensitive to the small size of the prostate against the background;
//   - KL 1 at temperature T = 4: Hinton's T² scaling keeps the soft term's gradient on the same scale as the hard
//     terms, and T = 4 is the common choice for few-class problems, where a higher T flattens two classes to
//     uniform and a lower one brings back the hard labels;
//   - hint 0.5 and attention 0.5: feature distillation as regulariser, half the weight of the output terms (both are
//     O(1) with normalised features); they only apply when feature pairs are given;
//   - cross-entropy 0 (off: Dice and Lovász already supervise);
//   - adaptive teacher fusion (the flagship), one weight per teacher (not per class), supervised with weight 1;
//   - the KL term's plain mean over pixels (Hinton's); ClassBalancedKL offers a class-balanced mean;
//   - every pixel labelled; PartialLabels lets batches mix labelled and unlabelled images.
func DefaultObjective() *Objective {
	return &Objective{
		diceWeight: 1, lovaszWeight: 1, klWeight: 1, hintWeight: 0.5, attentionWeight: 0.5,
		crossEntropyWeight: 0, targetSupervisionWeight: 1,
		temperature: 4, fusion: FusionAdaptive,
	}
}

// Validate reports an unknown fusion, a negative weight or a non-positive temperature.
func (o *Objective) Validate() error {
	if !slices.Contains(fusions, o.fusion) {
		return fmt.Errorf("unknown teacher fusion %q, want one of %q", o.fusion, fusions)
	}
	var negative []string
	for name, weight := range o.weights() {
		if weight < 0 {
			negative = append(negative, fmt.Sprintf("%s=%g", name, weight))
		}
	}
	if len(negative) > 0 {
		return fmt.Errorf("negative loss weights: %s", strings.Join(negative, ", "))
	}
	if !(o.temperature > 0) {
		return fmt.Errorf("temperature must be positive, got %g", o.temperature)
	}
	return nil
}

// weights maps each term to its weight.
func (o *Objective) weights() map[string]float64 {
	return map[string]float64{
		TermDice: o.diceWeight, TermLovasz: o.lovaszWeight, TermKL: o.klWeight, TermHint: o.hintWeight,
		TermAttention: o.attentionWeight, TermCrossEntropy: o.crossEntropyWeight,
		TermTargetSupervision: o.targetSupervisionWeight,
	}
}

// String describes every setting of the objective — each term's weight in the order of [TermNames], the
// temperature, the fusion and its options, and partial labels when set (omitted when not, so that the
// descriptions of objectives without them are those they had before the option existed) — in one fixed form: two
// objectives with the same description compute the same loss. The experiment runner's cache keys on it.
func (o *Objective) String() string {
	var b strings.Builder
	weights := o.weights()
	for _, term := range termOrder {
		fmt.Fprintf(&b, "%s=%g ", term, weights[term])
	}
	fmt.Fprintf(&b, "temperature=%g fusion=%s per_class=%t class_balanced_kl=%t", o.temperature, o.fusion,
		o.adaptivePerClass, o.classBalancedKL)
	if o.partialLabels {
		b.WriteString(" partial_labels=true")
	}
	return b.String()
}

// Dice sets the weight of the soft Dice term.
func (o *Objective) Dice(weight float64) *Objective { o.diceWeight = weight; return o }

// Lovasz sets the weight of the Lovász-softmax term.
func (o *Objective) Lovasz(weight float64) *Objective { o.lovaszWeight = weight; return o }

// KL sets the weight of the temperature KL distillation term.
func (o *Objective) KL(weight float64) *Objective { o.klWeight = weight; return o }

// Hint sets the weight of the FitNets hint term (summed over feature pairs, each teacher's pairs weighted as
// [Objective.Loss] says).
func (o *Objective) Hint(weight float64) *Objective { o.hintWeight = weight; return o }

// Attention sets the weight of the attention transfer term (summed over feature pairs, each teacher's pairs
// weighted as [Objective.Loss] says).
func (o *Objective) Attention(weight float64) *Objective { o.attentionWeight = weight; return o }

// CrossEntropy sets the weight of the hard-label cross-entropy term.
func (o *Objective) CrossEntropy(weight float64) *Objective { o.crossEntropyWeight = weight; return o }

// TargetSupervision sets the weight of the term that trains the adaptive teacher weights.
func (o *Objective) TargetSupervision(weight float64) *Objective {
	o.targetSupervisionWeight = weight
	return o
}

// Temperature sets the distillation temperature T.
func (o *Objective) Temperature(temperature float64) *Objective {
	o.temperature = temperature
	return o
}

// ClassBalancedKL sets whether the KL term averages over the pixels of each class, then over classes
// (ClassBalancedKLDistillationLoss), instead of over all pixels (KLDistillationLoss).
func (o *Objective) ClassBalancedKL(balanced bool) *Objective {
	o.classBalancedKL = balanced
	return o
}

// PartialLabels sets whether the labels may leave pixels unlabelled (datasets.Unlabelled, −1), as they do when a
// student distils on images of which only some are labelled: the terms that read the labels — Dice, Lovász,
// cross-entropy, the target supervision of the adaptive fusion and the class-balanced KL's class means — then
// score the labelled pixels only (a batch without any adds nothing through them), while the KL term and the
// feature terms, which need no labels, use every pixel. Default false: every pixel holds a class id in [0, C).
func (o *Objective) PartialLabels(partial bool) *Objective {
	o.partialLabels = partial
	return o
}

// Fusion sets how several teachers are combined; perClass applies to FusionAdaptive only.
func (o *Objective) Fusion(fusion TeacherFusion, perClass bool) *Objective {
	o.fusion, o.adaptivePerClass = fusion, perClass
	return o
}

// Inputs are what one training step gives the [Objective].
type Inputs struct {
	Labels        *Node         // [B, H, W] or [B, H, W, 1] class ids.
	StudentLogits *Node         // [B, H, W, C].
	TeacherLogits []*Node       // K ≥ 0 teachers' [B, H, W, C] logits; none disables the KL term.
	Features      []FeaturePair // Student/teacher feature pairs; none disables the feature terms.
}

// Loss builds the weighted total and each unweighted term. scope holds the learned parts (the hint adapters under
// "hint/<pair name>", the adaptive teacher weights under "teacher_fusion"). One teacher is its own target whatever
// the fusion.
//
// The hint and attention terms sum over the feature pairs. With K > 1 teachers each pair is weighted as its
// teacher's logits are (FeaturePair.TeacherIndex), so that the feature terms are a mixture of the teachers like the
// KL target, not K times one teacher's:
//   - FusionMean: 1/K per teacher;
//   - FusionEntropy: 1/K per teacher too, since its weights are per pixel at the logits' resolution, and have no
//     counterpart on feature maps of other sizes and of a teacher's own making;
//   - FusionConfidence: each teacher's per-sample confidence weights ([ConfidenceTeacherWeights]) averaged over the
//     batch;
//   - FusionAdaptive: the learned global weights softmax(w) of [AdaptiveTeacherProbs] (averaged over classes when
//     per class), under StopGradient: only the target supervision trains them, or they would learn to favour the
//     teacher whose features are easiest to match rather than the one whose predictions are right.
//
// One teacher (or none) weighs 1. It panics (GoMLX exception) on invalid configuration or shapes, or on a
// TeacherIndex outside the K > 1 teachers.
func (o *Objective) Loss(scope *model.Scope, in Inputs) (total *Node, terms Terms) {
	if err := o.Validate(); err != nil {
		Panicf("losses.Objective: %v", err)
	}
	if scope == nil {
		Panicf("losses.Objective: scope is nil")
	}
	checkLogits("Objective", in.StudentLogits)
	terms = Terms{}
	add := func(name string, build func() *Node) {
		if o.weights()[name] != 0 {
			terms[name] = build()
		}
	}
	partial := o.partialLabels
	add(TermDice, func() *Node { return Dice(in.Labels, in.StudentLogits).PartialLabels(partial).Done() })
	add(TermLovasz, func() *Node { return LovaszSoftmax(in.Labels, in.StudentLogits).PartialLabels(partial).Done() })
	add(TermCrossEntropy, func() *Node { return crossEntropy(in.Labels, in.StudentLogits, partial) })
	var fusionScope *model.Scope // Entered once: GoMLX refuses to enter a sub-scope twice.
	if len(in.TeacherLogits) > 0 {
		fusionScope = scope.In("teacher_fusion")
		o.addDistillation(fusionScope, in, add)
	}
	if len(in.Features) > 0 && (o.hintWeight != 0 || o.attentionWeight != 0) {
		// Built after the distillation, which creates the adaptive weights (the weights would be the same variable,
		// zero-initialised, either way: adaptiveTeacherWeights reads it for both).
		teacherWeights := o.featureTeacherWeights(fusionScope, in)
		add(TermHint, func() *Node {
			hintScope := scope.In("hint") // One scope for all pairs: GoMLX refuses to enter a sub-scope twice.
			return weightedSumOverPairs(in.Features, teacherWeights, func(pair FeaturePair) *Node {
				return HintLoss(hintScope.In("%s", pair.Name), pair.Student, pair.Teacher)
			})
		})
		add(TermAttention, func() *Node {
			return weightedSumOverPairs(in.Features, teacherWeights, func(pair FeaturePair) *Node {
				return AttentionTransferLoss(pair.Student, pair.Teacher)
			})
		})
	}
	total = ScalarZero(in.StudentLogits.Graph(), in.StudentLogits.DType())
	for _, name := range termOrder { // A fixed order keeps the float sum reproducible.
		if term, found := terms[name]; found {
			total = Add(total, MulScalar(term, o.weights()[name]))
		}
	}
	return total, terms
}

// addDistillation adds the KL term against the fused teachers' target and, for adaptive fusion of several
// teachers, the supervision that trains the mixture.
func (o *Objective) addDistillation(scope *model.Scope, in Inputs, add func(string, func() *Node)) {
	teachers, student, temperature := in.TeacherLogits, in.StudentLogits, o.temperature
	if len(teachers) == 1 {
		add(TermKL, func() *Node {
			if o.classBalancedKL {
				return ClassBalancedKLDistillationLoss(in.Labels, teachers[0], student, temperature)
			}
			return KLDistillationLoss(teachers[0], student, temperature)
		})
		return
	}
	var target *Node
	switch o.fusion {
	case FusionMean:
		target = MeanTeacherProbs(teachers, temperature)
	case FusionEntropy:
		target = EntropyWeightedTeacherProbs(teachers, temperature)
	case FusionConfidence:
		target = ConfidenceWeightedTeacherProbs(in.Labels, teachers, temperature)
	case FusionAdaptive:
		target = AdaptiveTeacherProbs(scope, teachers, temperature, o.adaptivePerClass)
		add(TermTargetSupervision, func() *Node { return targetSupervision(in.Labels, target, o.partialLabels) })
	}
	add(TermKL, func() *Node {
		if o.classBalancedKL {
			return ClassBalancedKLDistillationFromProbs(in.Labels, target, student, temperature)
		}
		return KLDistillationFromProbs(target, student, temperature)
	})
}

// featureTeacherWeights returns the weights of the K teachers' feature pairs as [Objective.Loss] describes them, a
// [K] node without gradient (1/K each, or the adaptive weights), or nil (every pair weighs 1) with fewer than two
// teachers. scope is the fusion's scope (nil without teachers).
func (o *Objective) featureTeacherWeights(scope *model.Scope, in Inputs) *Node {
	numTeachers := len(in.TeacherLogits)
	if numTeachers < 2 {
		return nil
	}
	for _, pair := range in.Features {
		if pair.TeacherIndex < 0 || pair.TeacherIndex >= numTeachers {
			Panicf("losses.Objective: feature pair %q has TeacherIndex %d, want 0 ≤ k < %d teachers",
				pair.Name, pair.TeacherIndex, numTeachers)
		}
	}
	logits := in.TeacherLogits[0]
	if o.fusion == FusionConfidence { // Per sample; the feature pairs take the batch's mean weights.
		return ReduceMean(ConfidenceTeacherWeights(in.Labels, in.TeacherLogits), 1)
	}
	if o.fusion != FusionAdaptive {
		return DivScalar(Ones(logits.Graph(), shapes.Make(logits.DType(), numTeachers)), float64(numTeachers))
	}
	weights := adaptiveTeacherWeights(scope, logits, numTeachers, logits.Shape().Dim(-1), o.adaptivePerClass)
	return StopGradient(ReduceMean(weights, 1)) // [K]: a per-class mixture averaged over the classes.
}

// weightedSumOverPairs adds up loss(pair) over the feature pairs, each times its teacher's weight
// teacherWeights[pair.TeacherIndex] ([K]; nil: every pair weighs 1).
func weightedSumOverPairs(pairs []FeaturePair, teacherWeights *Node, loss func(FeaturePair) *Node) *Node {
	var sum *Node
	for _, pair := range pairs {
		term := loss(pair)
		if teacherWeights != nil {
			term = Mul(term, ConvertDType(Reshape(Slice(teacherWeights, AxisElem(pair.TeacherIndex))), term.DType()))
		}
		if sum == nil {
			sum = term
		} else {
			sum = Add(sum, term)
		}
	}
	return sum
}
