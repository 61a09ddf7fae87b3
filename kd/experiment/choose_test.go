package experiment

import (
	"strings"
	"testing"
)

// TestStudentRule: ineligible candidates (too many parameters or FLOPs) are listed but not trained; the smallest
// eligible candidate within reach of the teacher is chosen, and the students train with it; when no candidate is
// within reach, the best eligible one is chosen and the choice says the rule was not met.
func TestStudentRule(t *testing.T) {
	backend := goBackend(t)
	cache := t.TempDir()
	small := NetSpec{Levels: 2, BaseWidth: 2, Separable: true}
	medium := NetSpec{Levels: 2, BaseWidth: 2, Separable: true, Stem: 2} // The stem's output layer adds parameters.
	if small.Net().ParamCount() >= medium.Net().ParamCount() {
		t.Fatalf("small %d parameters, medium %d", small.Net().ParamCount(), medium.Net().ParamCount())
	}
	large := NetSpec{Levels: 2, BaseWidth: 4} // The teacher's own architecture: ratios of 1.
	config := func(rule StudentRule) Config {
		c := tinyConfig()
		c.Data.ValFraction = 0.25
		c.StudentCandidates = []NetSpec{large, medium, small} // Out of order: the rule sorts by parameters.
		c.StudentRule = rule
		return c
	}
	choose := func(rule StudentRule) (*StudentChoice, *Runner, string) {
		t.Helper()
		var log strings.Builder
		r, err := New(backend, config(rule), cache)
		if err != nil {
			t.Fatal(err)
		}
		r.Log = &log
		choice, err := r.ChooseStudent()
		if err != nil {
			t.Fatal(err)
		}
		return choice, r, log.String()
	}

	// Any Dice is within reach: the smallest eligible candidate wins.
	lenient := StudentRule{MaxDiceGap: 2, MinParamRatio: 1.5, MinSpeedup: 1.5}
	choice, r, log := choose(lenient)
	if !choice.Met || choice.Chosen != small {
		t.Errorf("chose %v (met %v), want the smallest candidate %v", choice.Chosen, choice.Met, small)
	}
	if got := []NetSpec{choice.Candidates[0].Net, choice.Candidates[1].Net, choice.Candidates[2].Net}; got[2] != large ||
		choice.Candidates[0].Params > choice.Candidates[1].Params {
		t.Errorf("candidates not sorted by parameters: %v", got)
	}
	if c := choice.Candidates[2]; c.Eligible || c.ValDice != 0 || strings.Contains(log, candidateName(large)) {
		t.Errorf("the teacher-sized candidate was eligible or trained: %+v\n%s", c, log)
	}
	if strings.Count(log, "student_candidate") != 2 || !strings.Contains(log, "teacher ") {
		t.Errorf("want the teacher and the two eligible candidates trained:\n%s", log)
	}
	if net, err := r.StudentNet(); err != nil || net != small {
		t.Errorf("StudentNet = %v, %v; want %v", net, err, small)
	}
	s, err := r.Student(StudentScratch, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := small.Net().ParamCount(); s.Model.ParamCount() != want {
		t.Errorf("the student has %d parameters, want the chosen candidate's %d", s.Model.ParamCount(), want)
	}
	if rows := choice.Table().Rows; len(rows) != 3 || !strings.Contains(rows[0][len(rows[0])-1], "chosen") {
		t.Errorf("choice table %v", rows)
	}

	// Nothing is within reach (a gap below −1): the best eligible candidate, reused from the cache, rule not met.
	strict := lenient
	strict.MaxDiceGap = -1.5
	choice, _, log = choose(strict)
	if choice.Met || strings.Contains(log, "trained in") {
		t.Errorf("met %v with an impossible gap, or retrained:\n%s", choice.Met, log)
	}
	best := choice.Candidates[0]
	if choice.Candidates[1].ValDice > best.ValDice {
		best = choice.Candidates[1]
	}
	if choice.Chosen != best.Net {
		t.Errorf("chose %v, want the best eligible %v", choice.Chosen, best.Net)
	}

	// No eligible candidate is an error that says why.
	r2, err := New(backend, config(StudentRule{MinParamRatio: 1000}), cache)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.ChooseStudent(); err == nil || !strings.Contains(err.Error(), "fewer parameters") {
		t.Errorf("err = %v, want no eligible candidate", err)
	}
}
