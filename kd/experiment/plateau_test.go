package experiment

import (
	"slices"
	"strings"
	"testing"

	"github.com/gokd/gokd/datasets"
)

// TestTeacherPatience checks that Train.TeacherPatience trains the teachers with a validation score — each site
// teacher's being its Dice on its own site's validation cases — under cache keys of their own, and that it needs
// validation cases.
func TestTeacherPatience(t *testing.T) {
	c := tinyConfig()
	c.Data.ValFraction, c.Train.TeacherPatience = 0.25, 2
	r, d := newRunner(t, c)
	teachers, err := r.SiteTeachers()
	if err != nil {
		t.Fatal(err)
	}
	for i, teacher := range teachers {
		h := teacher.History
		if len(h.ValidationScores) == 0 || h.BestStep == 0 || h.StoppedStep != c.Train.SiteTeacherSteps {
			t.Fatalf("%s: validation %v at %v, best %d, stopped %d", teacher.Name, h.ValidationScores, h.ValidationSteps, h.BestStep, h.StoppedStep)
		}
		site := d.TeacherSubsets[i]
		own := slices.DeleteFunc(slices.Clone(d.Val), func(s datasets.Sample) bool { return s.Site != site })
		if len(own) == 0 || len(own) == len(d.Val) {
			t.Fatalf("site %s: %d of %d validation slices, want some but not all", site, len(own), len(d.Val))
		}
		want, err := r.meanDice(teacher.Model, own)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.ValidationScores[len(h.ValidationScores)-1]; got != want {
			t.Errorf("%s: validation score %g, want its Dice on site %s's validation cases %g", teacher.Name, got, site, want)
		}
	}
	without := c
	without.Train.TeacherPatience = 0
	plain, _ := newRunner(t, without)
	teacher, err := plain.Teacher()
	if err != nil {
		t.Fatal(err)
	}
	patient, err := r.Teacher()
	if err != nil {
		t.Fatal(err)
	}
	if teacher.Key == patient.Key || len(teacher.History.ValidationScores) != 0 {
		t.Errorf("with and without patience: keys %q and %q, validation %v without", patient.Key, teacher.Key, teacher.History.ValidationScores)
	}

	c.Data.ValFraction = 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TeacherPatience") {
		t.Errorf("patience without validation cases: err %v", err)
	}
}
