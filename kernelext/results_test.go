package kernelext

import (
	"fmt"
	"testing"

	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/viz/chart"
)

// crowdedResults is an experiment's results at their most crowded: six sites (six limit-trained teachers), every
// student kind, optional ones included, with close Dice, the same size and close latencies.
func crowdedResults(t *testing.T) *experiment.Results {
	t.Helper()
	sites := []string{"site0", "site1", "site2", "site3", "site4", "site5"}
	eval := func(name string, dice, ms float64, params int) *experiment.Evaluation {
		e := &experiment.Evaluation{Name: name, Over: "cases", Dice: dice, DiceStd: 0.05, Params: params, MsPerSlice: ms,
			SiteDice: map[string]float64{}, CaseDice: map[string]float64{}}
		for i, s := range sites {
			e.SiteDice[s] = dice - 0.01*float64(i)
			for c := range 3 {
				e.CaseDice[fmt.Sprintf("%s/case%02d", s, c)] = dice - 0.01*float64(i) + 0.005*float64(c)
			}
		}
		return e
	}
	res := &experiment.Results{Teacher: eval(experiment.TeacherName, 0.97, 1.2, 29786),
		Students: map[experiment.StudentKind][]*experiment.Evaluation{}}
	for i, s := range sites {
		res.SiteTeachers = append(res.SiteTeachers, eval(experiment.SiteTeacherName+"-"+s, 0.85+0.01*float64(i%2), 1.2, 29786))
	}
	for k, kind := range append(experiment.StudentKinds, experiment.OptionalStudentKinds...) {
		for seed := range 3 {
			res.Students[kind] = append(res.Students[kind],
				eval(experiment.StudentName(kind, int64(seed)), 0.77+0.003*float64(k)+0.01*float64(seed), 1.1+0.01*float64(seed), 2491))
		}
		res.Summary = append(res.Summary, experiment.StudentSummary{Kind: kind, Dice: 0.78 + 0.003*float64(k), DiceStd: 0.01, Seeds: 3})
	}
	var err error
	if res.Comparison, err = experiment.Compare([]experiment.FoldStudents{res.Students}, experiment.StudentAdaptiveKD); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestResultFiguresReadAtAGlance renders notebook 04's figures (ShowResults') from crowded results and checks
// them in image space: legends outside the data, labels apart and inside the plot.
func TestResultFiguresReadAtAGlance(t *testing.T) {
	figures, err := resultFigures(crowdedResults(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(figures) != 4 {
		t.Fatalf("%d figures, want the forest plot, the bars and two scatters", len(figures))
	}
	for _, f := range figures {
		l, err := f.figure.Layout()
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Check(); err != nil {
			t.Errorf("%s:\n%v", f.name, err)
		}
		if l.Caption.Text == "" {
			t.Errorf("%s: no caption saying what the whiskers or bars show", f.name)
		}
	}
}

func TestKindStyles(t *testing.T) {
	seen := map[string]string{}
	for kind, style := range KindStyles {
		c := fmt.Sprint(style.Color)
		if other, ok := seen[c]; ok {
			t.Errorf("%s and %s share the colour %s", kind, other, c)
		}
		seen[c] = kind
	}
	for _, kind := range append(experiment.StudentKinds, experiment.OptionalStudentKinds...) {
		if _, ok := KindStyles[string(kind)]; !ok {
			t.Errorf("student kind %s has no colour", kind)
		}
	}
	for name, want := range map[string]string{"teacher": "teacher", "site_teacher-site3": "site_teacher",
		"student_scratch_all-s2": "student_scratch_all", "student_scratch-s2": "student_scratch",
		"student_adaptive_kd": "student_adaptive_kd", "KL only": ""} {
		if got := ModelKind(name); got != want {
			t.Errorf("ModelKind(%q) = %q, want %q", name, got, want)
		}
	}
	styles := ModelStyles([]string{"site_teacher-a", "teacher", "site_teacher-b", "KL only"})
	if styles[0].Color == styles[2].Color || styles[1] != KindStyles["teacher"] || styles[3] != (chart.Style{}) {
		t.Errorf("ModelStyles = %v: want the site teachers told apart, the teacher its kind's, other names unset", styles)
	}
}
