package experiment

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/gokd/gokd/kd/metrics"
)

// StudentRule is the protocol's rule for choosing the student among Config.StudentCandidates: the smallest
// candidate (fewest parameters) whose all-data scratch Dice on the validation cases comes within MaxDiceGap of the
// teacher's, among the candidates with at least MinParamRatio times fewer parameters and MinSpeedup times fewer
// FLOPs per slice than the teacher. "Faster" is read as FLOPs, which is deterministic (the choice decides cache
// keys) and what a batched or accelerated run scales with; measured latencies are reported with every model.
type StudentRule struct {
	MaxDiceGap    float64 `json:",omitempty"`
	MinParamRatio float64 `json:",omitempty"`
	MinSpeedup    float64 `json:",omitempty"`
}

// DefaultStudentRule is the rule: within 0.05 Dice of the teacher, ≥ 10× fewer parameters, ≥ 5× faster.
var DefaultStudentRule = StudentRule{MaxDiceGap: 0.05, MinParamRatio: 10, MinSpeedup: 5}

// withDefaults fills the unset thresholds from DefaultStudentRule.
func (s StudentRule) withDefaults() StudentRule {
	d := DefaultStudentRule
	return StudentRule{MaxDiceGap: cmp.Or(s.MaxDiceGap, d.MaxDiceGap), MinParamRatio: cmp.Or(s.MinParamRatio, d.MinParamRatio),
		MinSpeedup: cmp.Or(s.MinSpeedup, d.MinSpeedup)}
}

// String states the rule, unset thresholds at their defaults.
func (s StudentRule) String() string {
	s = s.withDefaults()
	return fmt.Sprintf("the smallest candidate within %g Dice of the teacher on validation, with ≥ %g× fewer parameters and ≥ %g× fewer FLOPs",
		s.MaxDiceGap, s.MinParamRatio, s.MinSpeedup)
}

// Candidate is one network of the student choice and how it fared.
type Candidate struct {
	Net           NetSpec
	Params        int
	FLOPsPerSlice int64
	// ParamRatio and Speedup are the teacher's parameters and FLOPs per slice over the candidate's.
	ParamRatio, Speedup float64
	// Eligible: small and fast enough. Only eligible candidates are trained (all-data scratch, Tune.Seed).
	Eligible bool
	// ValDice is the trained candidate's mean validation Dice (0 when not trained).
	ValDice float64
	// Converged: within MaxDiceGap of the teacher's validation Dice.
	Converged bool
}

// StudentChoice is the outcome of the student rule.
type StudentChoice struct {
	Rule           StudentRule
	TeacherValDice float64
	Candidates     []Candidate // By parameters, fewest first.
	Chosen         NetSpec
	// Met is whether a candidate met the rule. When none did, Chosen is the eligible candidate with the best
	// validation Dice (the rule's spirit: the best small student), and tables say so.
	Met bool
}

// StudentNet returns the students' network: Config.Student, or with Config.StudentCandidates the one chosen by
// the student rule (see ChooseStudent).
func (r *Runner) StudentNet() (NetSpec, error) {
	if len(r.Config.StudentCandidates) == 0 {
		return r.Config.Student, nil
	}
	choice, err := r.ChooseStudent()
	if err != nil {
		return NetSpec{}, err
	}
	return choice.Chosen, nil
}

// ChooseStudent applies the student rule (Config.StudentRule, defaults DefaultStudentRule) to
// Config.StudentCandidates, once per Runner: it trains the teacher and every eligible candidate from scratch on
// all training data (StudentSteps, StudentLearningRate, Tune.Seed) and scores them on the validation cases. It
// returns nil without candidates.
func (r *Runner) ChooseStudent() (*StudentChoice, error) {
	if len(r.Config.StudentCandidates) == 0 {
		return nil, nil
	}
	return r.choice.get("", func() (*StudentChoice, error) {
		c := r.Config
		d, err := r.Data()
		if err != nil {
			return nil, err
		}
		if len(d.Val) == 0 {
			return nil, fmt.Errorf("experiment: choosing the student needs validation cases (Data.ValFraction is 0)")
		}
		teacher, err := r.Teacher()
		if err != nil {
			return nil, err
		}
		choice := &StudentChoice{Rule: c.StudentRule.withDefaults()}
		if choice.TeacherValDice, err = r.ValDice(teacher); err != nil {
			return nil, err
		}
		teacherParams, teacherFLOPs := c.Teacher.Net().ParamCount(), c.Teacher.Net().FLOPsPerSlice(c.Data.Size)
		for _, spec := range c.StudentCandidates {
			net := spec.Net()
			cand := Candidate{Net: spec, Params: net.ParamCount(), FLOPsPerSlice: net.FLOPsPerSlice(c.Data.Size)}
			cand.ParamRatio = float64(teacherParams) / float64(cand.Params)
			cand.Speedup = float64(teacherFLOPs) / float64(cand.FLOPsPerSlice)
			cand.Eligible = cand.ParamRatio >= choice.Rule.MinParamRatio && cand.Speedup >= choice.Rule.MinSpeedup
			choice.Candidates = append(choice.Candidates, cand)
		}
		slices.SortStableFunc(choice.Candidates, func(a, b Candidate) int { return cmp.Compare(a.Params, b.Params) })
		best := -1
		for i := range choice.Candidates {
			cand := &choice.Candidates[i]
			if !cand.Eligible {
				continue
			}
			trained, err := r.candidate(cand.Net)
			if err != nil {
				return nil, err
			}
			if cand.ValDice, err = r.ValDice(trained); err != nil {
				return nil, err
			}
			cand.Converged = cand.ValDice >= choice.TeacherValDice-choice.Rule.MaxDiceGap
			switch {
			case cand.Converged && !choice.Met:
				choice.Met, best = true, i
			case !choice.Met && (best < 0 || cand.ValDice > choice.Candidates[best].ValDice):
				best = i
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("experiment: no student candidate has ≥ %g× fewer parameters and ≥ %g× fewer FLOPs than the teacher (%d parameters, %d FLOPs per slice)",
				choice.Rule.MinParamRatio, choice.Rule.MinSpeedup, teacherParams, teacherFLOPs)
		}
		choice.Chosen = choice.Candidates[best].Net
		return choice, nil
	})
}

// candidate trains (or reloads) a student candidate from scratch on all training data.
func (r *Runner) candidate(spec NetSpec) (*Trained, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	c := r.Config
	return r.train(trainSpec{name: candidateName(spec), net: spec, subset: "all", samples: d.Train,
		steps: c.Train.StudentSteps, learningRate: c.Train.StudentLearningRate, seed: c.Tune.Seed,
		objective: c.Loss.scratchObjective(), cosine: c.Train.CosineDecay})
}

// candidateName names a candidate after its architecture, so that reordering the candidates reuses the cache.
func candidateName(spec NetSpec) string {
	name := fmt.Sprintf("student_candidate-l%d-w%d", spec.Levels, spec.BaseWidth)
	if spec.Separable {
		name += "-sep"
	}
	if spec.Stem > 1 {
		name += fmt.Sprintf("-stem%d", spec.Stem)
	}
	return name
}

// String describes a network spec in a few words.
func (s NetSpec) String() string {
	conv := "dense"
	if s.Separable {
		conv = "separable"
	}
	out := fmt.Sprintf("%d levels, base %d, %s", s.Levels, s.BaseWidth, conv)
	if s.Stem > 1 {
		out += fmt.Sprintf(", stem %d", s.Stem)
	}
	return out
}

// Table lists the candidates with their ratios to the teacher, validation Dice and the rule's outcome.
func (ch *StudentChoice) Table() metrics.Table {
	t := metrics.Table{Columns: []string{"candidate", "params", "MFLOPs/slice", "params ÷", "FLOPs ÷", "validation Dice",
		"outcome"}}
	for _, cand := range ch.Candidates {
		val, outcome := "–", "too large or slow"
		if cand.Eligible {
			val, outcome = fmt.Sprintf("%.3f", cand.ValDice), fmt.Sprintf("more than %.2f below the teacher", ch.Rule.MaxDiceGap)
			if cand.Converged {
				outcome = "within reach of the teacher"
			}
		}
		if cand.Net == ch.Chosen {
			outcome += " — chosen"
			if !ch.Met {
				outcome += " (best eligible: no candidate met the rule)"
			}
		}
		t.Rows = append(t.Rows, []string{cand.Net.String(), fmt.Sprint(cand.Params),
			fmt.Sprintf("%.2f", float64(cand.FLOPsPerSlice)/1e6), fmt.Sprintf("%.1f", cand.ParamRatio),
			fmt.Sprintf("%.1f", cand.Speedup), val, outcome})
	}
	return t
}
