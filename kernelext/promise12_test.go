package kernelext

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gokd/gokd/kd/experiment"
)

// TestCrossValidationShownAndSummarized cross-validates tinyConfig over 2 folds and checks what notebooks 04 and 05
// take from such a run: the summary's numbers are the comparison's (gaps in points) and the pooled models', every
// kind and limit-trained teacher is there, and ShowCrossValidation draws its figures.
func TestCrossValidationShownAndSummarized(t *testing.T) {
	t.Chdir(t.TempDir()) // Outside a notebook, figures are written to out/.
	t.Setenv("GOMLX_BACKEND", "go")
	c := tinyConfig()
	c.Data.Folds, c.Data.TestFraction = 2, 0
	c.Seeds = []int64{1, 2}
	cache := t.TempDir()
	cv, err := experiment.RunFolds(c, func(c experiment.Config) (*experiment.Runner, error) {
		return notebookRunner(c, cache)
	})
	if err != nil {
		t.Fatal(err)
	}
	s := SummarizePromise12(cv)
	p := cv.Comparison.Primary()
	if s.Folds != 2 || s.Seeds != 2 || s.TestCases != 8 || s.GapPoints != 100*p.Gap.Mean ||
		s.GapCILowPoints != 100*p.Gap.Low || s.Verdict != string(cv.Comparison.Verdict) || s.Primary != string(experiment.StudentAdaptiveKD) {
		t.Errorf("summary %+v does not match the comparison (primary %+v)", s, p)
	}
	if len(s.StudentDice) != len(c.Kinds()) || len(s.SiteTeacherDice) != 2 || s.TeacherDice != cv.Pooled[0].Dice ||
		s.StudentDice[string(experiment.StudentScratch)] != cv.Pooled[3].Dice {
		t.Errorf("summary's models: students %v, site teachers %v, teacher %v", s.StudentDice, s.SiteTeacherDice, s.TeacherDice)
	}
	if s.BaselineChecks != len(cv.Baselines) || s.BaselineChecksPassed > s.BaselineChecks {
		t.Errorf("baseline checks %d of %d, run has %d", s.BaselineChecksPassed, s.BaselineChecks, len(cv.Baselines))
	}
	_ = cellOutput(t, func() { Must(ShowCrossValidation(cv)) })
	for _, title := range []string{"Paired gaps over the test cases of every fold", "Dice per test site, every fold's test cases"} {
		if info, err := os.Stat(filepath.Join(OutDir(), fileName(title)+".png")); err != nil || info.Size() == 0 {
			t.Errorf("figure %q: %v", title, err)
		}
	}
}
