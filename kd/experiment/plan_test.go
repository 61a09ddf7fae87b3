package experiment

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// planConfig is tinyConfig with every kind of task a plan has: teachers, an offline precompute, student
// candidates, a tuning grid, students and the report.
func planConfig() Config {
	c := tinyConfig()
	c.Data.CasesPerSite, c.Data.ValFraction = 6, 0.25
	c.Tune = TuneSpec{LearningRates: []float64{1e-3, 1e-2}, Seed: 100}
	c.StudentCandidates = []NetSpec{{Levels: 2, BaseWidth: 2, Separable: true}, {Levels: 2, BaseWidth: 2, Separable: true, Stem: 2}}
	c.StudentRule = StudentRule{MaxDiceGap: 1, MinParamRatio: 1, MinSpeedup: 1}
	c.Train.PrecomputeTeachers = true
	return c
}

// trainedNames lists the models a Runner's log says were trained (not reloaded).
func trainedNames(log string) []string {
	var names []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, " trained in ") {
			names = append(names, strings.Fields(line)[0])
		}
	}
	slices.Sort(names)
	return names
}

// planTrainings lists the names of a plan's training tasks.
func planTrainings(p *Plan) []string {
	var names []string
	for _, s := range p.Stages {
		for _, task := range s.Tasks {
			if task.Trains {
				names = append(names, task.Name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// TestPlanTasksReproduceOneProcessRun: the plan lists exactly the models a one-process run trains; running its
// tasks one by one, each in a Runner of its own (as Slurm's workers do), trains each model once and the report
// reloads the same results, bit for bit; a task whose inputs are not cached fails with ErrNotCached and trains
// nothing; a done task is not run again.
func TestPlanTasksReproduceOneProcessRun(t *testing.T) {
	backend := goBackend(t)
	config := planConfig()
	var log strings.Builder
	one, err := New(backend, config, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	one.Log = &log
	want, err := one.Run()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(config, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, trained := planTrainings(plan), trainedNames(log.String()); len(got) == 0 || !slices.Equal(got, trained) {
		t.Fatalf("plan trains %v,\none process trained %v", got, trained)
	}
	t.Logf("plan:\n%s", plan)
	var stages []Stage
	for _, s := range plan.Stages {
		stages = append(stages, s.Stage)
	}
	if !slices.Equal(stages, Stages) {
		t.Errorf("stages %v, want %v", stages, Stages)
	}

	cache := t.TempDir()
	runTask := func(task Task) (*TaskRecord, bool, string, error) {
		var log strings.Builder
		r, err := New(backend, config, cache)
		if err != nil {
			t.Fatal(err)
		}
		r.Log = &log
		record, hit, err := r.RunTask(task)
		return record, hit, log.String(), err
	}
	students := plan.Stages[len(plan.Stages)-2]
	if _, _, log, err := runTask(students.Tasks[0]); !errors.Is(err, ErrNotCached) || strings.Contains(log, "trained in") {
		t.Fatalf("a student task before its teachers: err %v, log %q; want ErrNotCached and nothing trained", err, log)
	}
	for _, s := range plan.Stages[:len(plan.Stages)-1] {
		for _, task := range s.Tasks {
			record, hit, log, err := runTask(task)
			if err != nil {
				t.Fatal(err)
			}
			if hit || record.Task != task.Name || trainedNames(log) != nil && !slices.Equal(trainedNames(log), []string{task.Name}) {
				t.Fatalf("task %s: hit %v, record %+v, log:\n%s", task.Name, hit, record, log)
			}
		}
	}
	if _, hit, log, err := runTask(students.Tasks[0]); err != nil || !hit || log != "" {
		t.Errorf("a done task ran again: hit %v, err %v, log %q", hit, err, log)
	}
	report, err := New(backend, config, cache)
	if err != nil {
		t.Fatal(err)
	}
	report.ReloadOnly = true
	got, err := report.Run()
	if err != nil {
		t.Fatal(err)
	}
	if diffs := got.ScoreDiff(want); len(diffs) > 0 {
		t.Errorf("the tasks' results differ from the one-process run's:\n%s", strings.Join(diffs, "\n"))
	}
}

// TestPlanFolds: with Data.Folds ≥ 2 and every fold asked, the plan holds each fold's tasks, with distinct ids,
// and one report needing every fold's students; one fold's plan holds that fold's only.
func TestPlanFolds(t *testing.T) {
	c := planConfig()
	c.Data.Folds, c.Data.TestFraction = 2, 0
	tests := []struct {
		name      string
		allFolds  bool
		wantFolds []int
	}{
		{"every fold", true, []int{0, 1}},
		{"one fold", false, []int{0}},
	}
	single, err := NewPlan(c, false)
	if err != nil {
		t.Fatal(err)
	}
	perFold := single.Trainings()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(c, tt.allFolds)
			if err != nil {
				t.Fatal(err)
			}
			if p.Trainings() != perFold*len(tt.wantFolds) {
				t.Errorf("%d trainings, want %d per fold × %d", p.Trainings(), perFold, len(tt.wantFolds))
			}
			ids, folds := map[string]bool{}, map[int]bool{}
			for _, s := range p.Stages {
				for _, task := range s.Tasks {
					if ids[task.ID] {
						t.Errorf("task id %s twice", task.ID)
					}
					ids[task.ID] = true
					if task.Stage != StageReport {
						folds[task.Fold] = true
					}
				}
			}
			if got := slices.Sorted(maps.Keys(folds)); !slices.Equal(got, tt.wantFolds) {
				t.Errorf("tasks of folds %v, want %v", got, tt.wantFolds)
			}
			report := p.Stages[len(p.Stages)-1]
			if students := p.Stages[len(p.Stages)-2]; report.Stage != StageReport || len(report.Tasks[0].Needs) != len(students.Tasks) {
				t.Errorf("the report needs %d tasks, want the %d students", len(report.Tasks[0].Needs), len(students.Tasks))
			}
		})
	}
}
