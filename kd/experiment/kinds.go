package experiment

import (
	"fmt"
	"slices"

	"github.com/gokd/gokd/kd/losses"
)

// StudentKind is a way of training the student; a student is its kind + "-s" + seed (see StudentName).
type StudentKind string

// Student kinds: the ones every experiment trains (StudentKinds), then the optional ones (OptionalStudentKinds).
// What each one is — its teachers, data and objective — is its entry of kindTable.
const (
	StudentScratch    StudentKind = "student_scratch"     // Baseline: the student trained from scratch on the students' data.
	StudentScratchAll StudentKind = "student_scratch_all" // Baseline: the student trained from scratch on all training data.
	StudentSingleKD   StudentKind = "student_single_kd"   // Distilled from the well-trained teacher (logits and features).
	StudentMeanKD     StudentKind = "student_mean_kd"     // Distilled from the limit-trained teachers, averaged (logits and features).
	StudentAdaptiveKD StudentKind = "student_adaptive_kd" // Distilled from the limit-trained teachers, fused with learned weights (logits and features).

	// StudentAdaptiveClassKD fuses the teachers with learned weights per class: one softmax over the teachers for
	// each class (losses.Objective.Fusion(losses.FusionAdaptive, true)), trained by the target supervision.
	StudentAdaptiveClassKD StudentKind = "student_adaptive_class_kd"
	// StudentEntropyKD weighs the teachers at every pixel by their confidence (the lower a teacher's entropy there,
	// the more it counts: losses.EntropyWeightedTeacherProbs); nothing is learned. Its feature pairs weigh 1/K.
	StudentEntropyKD StudentKind = "student_entropy_kd"
	// StudentAdaptiveSemiKD is the secondary arm, distillation's realistic use: the adaptive student (global learned
	// weights, logits and features) distils on every training image — the teachers' soft targets need no labels —
	// while its label terms see the labels of the students' limited cases only (Data.studentUnlabelled;
	// losses.Objective.PartialLabels). Its baseline is still StudentScratch, trained on those labels alone.
	StudentAdaptiveSemiKD StudentKind = "student_adaptive_semi_kd"
	// StudentConfidenceKD is the input-dependent adaptive student: on each training image, each limit-trained
	// teacher weighs by how well it predicts that image's labels (CA-MKD's confidence-aware weights,
	// losses.FusionConfidence); nothing is learned. Its feature pairs take the batch's mean weights.
	StudentConfidenceKD StudentKind = "student_confidence_kd"
	// StudentScratchCE is a control of the baseline: StudentScratch with a cross-entropy term added to its hard
	// terms (weight 1 unless Loss.CrossEntropy sets one), in case Dice and Lovász alone train it worse.
	StudentScratchCE StudentKind = "student_scratch_ce"
)

// Teachers a student kind learns from (kindSpec.teachers).
type teacherSet int

const (
	noTeachers     teacherSet = iota // From the labels alone.
	wellTrained                      // The teacher trained on all training data.
	limitedTrained                   // The limit-trained teachers (one per site, random subset or slab).
)

// Training data of a student kind (kindSpec.data).
type studentData int

const (
	studentsCases studentData = iota // Data.StudentTrain: the students' limited labelled cases.
	allCases                         // Data.Train: every training case.
	semiCases                        // Data.semiSamples: the students' labelled cases and the others unlabelled.
)

// kindSpec is one student kind: everything that differs from one kind to another. A new kind is one entry of
// kindTable (and its loss in package losses).
type kindSpec struct {
	kind     StudentKind
	optional bool // Trained only when Config.ExtraKinds lists it.
	teachers teacherSet
	data     studentData
	// objective builds the kind's loss from the configured one (its temperature and KL weight already set). It is
	// part of the models' cache keys: an existing kind's must not change.
	objective func(LossSpec) *losses.Objective
	// learnsWeights marks kinds whose fusion learns teacher weights (train.History.FusionWeights).
	learnsWeights bool
	// inputWeights says how a fusion that learns nothing weighs the teachers on each input ("per pixel", "per
	// image"), for the fusion table; empty for the others.
	inputWeights string
	// versus are the kinds this one is compared with in the secondary tests (each only when both ran).
	versus []StudentKind
}

// kindTable lists every student kind in the order tables show them: the kinds every experiment trains, then the
// optional ones.
var kindTable = []kindSpec{
	{kind: StudentScratch, objective: LossSpec.scratchObjective},
	{kind: StudentScratchAll, data: allCases, objective: LossSpec.scratchObjective, versus: []StudentKind{StudentScratch}},
	{kind: StudentSingleKD, teachers: wellTrained, versus: []StudentKind{StudentScratch},
		objective: func(l LossSpec) *losses.Objective { return l.Objective(losses.FusionMean) }}, // One teacher: every fusion is that teacher.
	{kind: StudentMeanKD, teachers: limitedTrained, versus: []StudentKind{StudentScratch},
		objective: func(l LossSpec) *losses.Objective { return l.Objective(losses.FusionMean) }},
	{kind: StudentAdaptiveKD, teachers: limitedTrained, learnsWeights: true,
		versus:    []StudentKind{StudentScratch, StudentScratchAll, StudentMeanKD, StudentEntropyKD},
		objective: func(l LossSpec) *losses.Objective { return l.Objective(losses.FusionAdaptive) }},
	{kind: StudentAdaptiveClassKD, optional: true, teachers: limitedTrained, learnsWeights: true,
		versus: []StudentKind{StudentScratch, StudentAdaptiveKD},
		objective: func(l LossSpec) *losses.Objective {
			return l.Objective(losses.FusionAdaptive).Fusion(losses.FusionAdaptive, true)
		}},
	{kind: StudentEntropyKD, optional: true, teachers: limitedTrained, inputWeights: "per pixel", versus: []StudentKind{StudentScratch},
		objective: func(l LossSpec) *losses.Objective { return l.Objective(losses.FusionEntropy) }},
	{kind: StudentAdaptiveSemiKD, optional: true, teachers: limitedTrained, data: semiCases, learnsWeights: true,
		versus: []StudentKind{StudentScratch, StudentAdaptiveKD},
		objective: func(l LossSpec) *losses.Objective {
			return l.Objective(losses.FusionAdaptive).PartialLabels(true)
		}},
	{kind: StudentConfidenceKD, optional: true, teachers: limitedTrained, inputWeights: "per image",
		versus:    []StudentKind{StudentScratch, StudentScratchAll, StudentAdaptiveKD, StudentMeanKD},
		objective: func(l LossSpec) *losses.Objective { return l.Objective(losses.FusionConfidence) }},
	{kind: StudentScratchCE, optional: true, versus: []StudentKind{StudentScratch},
		objective: func(l LossSpec) *losses.Objective {
			return l.scratchObjective().CrossEntropy(orDefault(l.CrossEntropy, 1))
		}},
}

// orDefault returns v, or fallback when v is 0.
func orDefault(v, fallback float64) float64 {
	if v == 0 {
		return fallback
	}
	return v
}

// StudentKinds lists the student kinds every experiment trains, in the order tables show them. Config.Kinds adds
// the optional ones configured.
var StudentKinds = kindsWhere(func(k kindSpec) bool { return !k.optional })

// OptionalStudentKinds lists the kinds Config.ExtraKinds may add, in the order tables show them (after
// StudentKinds).
var OptionalStudentKinds = kindsWhere(func(k kindSpec) bool { return k.optional })

// kindsWhere lists the kinds of kindTable that keep says to, in table order.
func kindsWhere(keep func(kindSpec) bool) []StudentKind {
	var kinds []StudentKind
	for _, k := range kindTable {
		if keep(k) {
			kinds = append(kinds, k.kind)
		}
	}
	return kinds
}

// knownKinds lists every student kind, the optional ones included, in table order.
func knownKinds() []StudentKind { return kindsWhere(func(kindSpec) bool { return true }) }

// spec returns the kind's entry of kindTable.
func (k StudentKind) spec() (kindSpec, error) {
	i := slices.IndexFunc(kindTable, func(s kindSpec) bool { return s.kind == k })
	if i < 0 {
		return kindSpec{}, fmt.Errorf("experiment: unknown student kind %q, want one of %v", k, knownKinds())
	}
	return kindTable[i], nil
}

// Distilled reports whether the kind learns from teachers (and so has a temperature and a KL weight to tune).
func (k StudentKind) Distilled() bool {
	s, err := k.spec()
	return err == nil && s.teachers != noTeachers
}

// StudentName names the student of a kind trained with a seed: StudentID(kind, seed).String().
func StudentName(kind StudentKind, seed int64) string { return StudentID(kind, seed).String() }
