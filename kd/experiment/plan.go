package experiment

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/datasets/prostate"
	"github.com/gokd/gokd/kd/runcache"
)

// Stage is a set of tasks of an experiment that do not need each other (Plan).
type Stage string

// The stages of an experiment's plan, in order: each task needs tasks of earlier stages only.
const (
	StageTeachers   Stage = "teachers"   // The well-trained teacher and the limit-trained teachers.
	StagePrecompute Stage = "precompute" // The teachers' outputs on the students' data, for offline students.
	StageCandidates Stage = "candidates" // The student rule's candidates (Config.StudentCandidates).
	StageTuning     Stage = "tuning"     // Every run of each student kind's tuning grid.
	StageStudents   Stage = "students"   // Each student kind's students, one per seed, with the chosen setting.
	StageReport     Stage = "report"     // Evaluates every model and compares the students, as one process does.
)

// Stages lists the stages in plan order.
var Stages = []Stage{StageTeachers, StagePrecompute, StageCandidates, StageTuning, StageStudents, StageReport}

// taskVersion changes when what a task does changes, and with it every task id.
const taskVersion = 1

// Task is one unit of work of an experiment's plan: one training (with the evaluation it needs), one precompute
// of teacher outputs, or the report. Its ID is the cache key of the record it publishes when done (RunTask).
type Task struct {
	ID    string
	Stage Stage
	// Fold is the task's fold (Data.Fold) in a k-fold configuration; the report of every fold has -1.
	Fold int
	// Name is the model trained (ModelID.String, or a candidate's name), the precompute's name, or "report".
	Name string
	// TFLOPs estimates the task's compute: training steps × batch × forward and backward passes (3× a forward),
	// with the teachers' forward passes of online distillation; a precompute's teacher forward passes over every
	// view of the data. 0 where it depends on data not read (a precompute on real data).
	TFLOPs float64
	Needs  []string // IDs of the tasks it needs, of earlier stages.
	// Trains is whether the task trains a model (the report and precomputes do not).
	Trains bool

	kind string  // The record's cache kind, the ID's first part.
	key  taskKey // What the ID is the key of.
}

// PlanStage is one stage's tasks, and the stages they need.
type PlanStage struct {
	Stage  Stage
	Tasks  []Task
	Needs  []Stage // Stages holding a task that one of Tasks needs.
	TFLOPs float64 // Sum over Tasks.
}

// Plan is an experiment split into stages of independent tasks, for a cluster's scheduler (gokd slurm): running
// every task, stage after stage, trains exactly the models that Runner.TrainAll trains, and the report task
// assembles the same results as Runner.Run.
type Plan struct {
	Config Config
	// AllFolds: the plan holds every fold of a k-fold configuration (Data.Folds ≥ 2) and one report over them.
	AllFolds bool
	Stages   []PlanStage // Non-empty stages only, in Stages order.
}

// Trainings counts the plan's tasks that train a model.
func (p *Plan) Trainings() int {
	n := 0
	for _, s := range p.Stages {
		for _, t := range s.Tasks {
			if t.Trains {
				n++
			}
		}
	}
	return n
}

// Task returns the plan's task with the id, or an error listing how to find the ids.
func (p *Plan) Task(id string) (Task, error) {
	for _, s := range p.Stages {
		if i := slices.IndexFunc(s.Tasks, func(t Task) bool { return t.ID == id }); i >= 0 {
			return s.Tasks[i], nil
		}
	}
	return Task{}, fmt.Errorf("experiment: no task %q in this configuration's plan (gokd experiment -plan lists them): %w", id, ErrUnknownTask)
}

// ErrUnknownTask is the error of a task id that is not in the plan.
var ErrUnknownTask = errors.New("unknown task")

// NewPlan splits config into its tasks: those of its fold, or with allFolds those of every fold of a k-fold
// configuration (Data.Folds ≥ 2) and one report pooling them. It reads the data only to name the limit-trained
// teachers' subsets (a folder's site folders only; the phantom is generated).
func NewPlan(config Config, allFolds bool) (*Plan, error) {
	p := &Plan{Config: config, AllFolds: allFolds && config.Data.Folds >= 2}
	folds := []int{config.Data.Fold}
	if p.AllFolds {
		folds = nil
		for f := range config.Data.Folds {
			folds = append(folds, f)
		}
	}
	tasks := map[Stage][]Task{}
	var students []string
	for _, fold := range folds {
		c := config
		c.Data.Fold = fold
		fp, err := planFold(c, p.foldOf(fold))
		if err != nil {
			return nil, fmt.Errorf("experiment: planning fold %d: %w", fold, err)
		}
		for stage, ts := range fp {
			tasks[stage] = append(tasks[stage], ts...)
		}
		for _, t := range fp[StageStudents] {
			students = append(students, t.ID)
		}
	}
	report, err := newTask(config, StageReport, -1, "report", 0, students)
	if err != nil {
		return nil, err
	}
	if !p.AllFolds {
		report.Fold = p.foldOf(config.Data.Fold)
	}
	tasks[StageReport] = []Task{report}
	p.stages(tasks)
	return p, nil
}

// foldOf is a task's Fold: fold in a k-fold configuration, else 0.
func (p *Plan) foldOf(fold int) int {
	if p.Config.Data.Folds >= 2 {
		return fold
	}
	return 0
}

// stages orders the tasks into PlanStages, each with the stages it needs.
func (p *Plan) stages(tasks map[Stage][]Task) {
	stageOf := map[string]Stage{}
	for stage, ts := range tasks {
		for _, t := range ts {
			stageOf[t.ID] = stage
		}
	}
	for _, stage := range Stages {
		if len(tasks[stage]) == 0 {
			continue
		}
		ps := PlanStage{Stage: stage, Tasks: tasks[stage]}
		for _, t := range ps.Tasks {
			ps.TFLOPs += t.TFLOPs
			for _, id := range t.Needs {
				if s := stageOf[id]; !slices.Contains(ps.Needs, s) {
					ps.Needs = append(ps.Needs, s)
				}
			}
		}
		slices.SortFunc(ps.Needs, func(a, b Stage) int { return slices.Index(Stages, a) - slices.Index(Stages, b) })
		p.Stages = append(p.Stages, ps)
	}
}

// newTask builds a task, its ID the cache key of its record: the task's name and fold, keyed on the whole
// configuration (so that two configurations never share a task id).
func newTask(c Config, stage Stage, fold int, name string, tflops float64, needs []string) (Task, error) {
	kind := name
	if c.Data.Folds >= 2 {
		kind = fmt.Sprintf("f%d.%s", fold, name)
		if fold < 0 {
			kind = "all." + name
		}
	}
	key := taskKey{Version: taskVersion, Config: c, Stage: stage, Name: name}
	id, err := runcache.Key(kind, key)
	if err != nil {
		return Task{}, fmt.Errorf("experiment: task %s: %w", name, err)
	}
	return Task{ID: id, Stage: stage, Fold: fold, Name: name, TFLOPs: tflops, Needs: needs,
		Trains: stage != StagePrecompute && stage != StageReport, kind: kind, key: key}, nil
}

// taskKey is what a task id is the key of.
type taskKey struct {
	Version int
	Config  Config
	Stage   Stage
	Name    string
}

// foldPlanner builds one fold's tasks.
type foldPlanner struct {
	c     Config
	fold  int
	tasks map[Stage][]Task
	err   error
}

// add appends a task to its stage and returns its id.
func (fp *foldPlanner) add(stage Stage, name string, tflops float64, needs ...[]string) string {
	if fp.err != nil {
		return ""
	}
	t, err := newTask(fp.c, stage, fp.fold, name, tflops, slices.Concat(needs...))
	if err != nil {
		fp.err = err
		return ""
	}
	fp.tasks[stage] = append(fp.tasks[stage], t)
	return t.ID
}

// planFold lists the tasks of c's fold (Data.Fold), in TrainAll's order within each stage.
func planFold(c Config, fold int) (map[Stage][]Task, error) {
	subsets, slices_, err := teacherSubsets(c)
	if err != nil {
		return nil, err
	}
	fp := &foldPlanner{c: c, fold: fold, tasks: map[Stage][]Task{}}
	costs := newCostModel(c)
	siteSteps := c.Train.SiteTeacherSteps
	if siteSteps == 0 {
		siteSteps = c.Train.TeacherSteps
	}
	teacher := []string{fp.add(StageTeachers, TeacherID().String(), costs.train(c.Teacher, c.Train.TeacherSteps, 0))}
	var siteTeachers []string
	for _, subset := range subsets {
		siteTeachers = append(siteTeachers, fp.add(StageTeachers, SiteTeacherID(subset).String(), costs.train(c.Teacher, siteSteps, 0)))
	}
	teachersOf := map[teacherSet][]string{wellTrained: teacher, limitedTrained: siteTeachers}
	var candidates []string
	for _, spec := range c.eligibleCandidates() {
		candidates = append(candidates, fp.add(StageCandidates, candidateName(spec), costs.train(spec, c.Train.StudentSteps, 0)))
	}
	kinds := c.Kinds()
	precomputes := map[string]string{} // By precompute name: its task id.
	inputs := map[StudentKind][]string{}
	online := map[StudentKind]int{} // Teachers run at every step.
	for _, kind := range kinds {
		k, err := kind.spec()
		if err != nil {
			return nil, err
		}
		teachers := teachersOf[k.teachers]
		inputs[kind] = slices.Concat(teachers, candidates)
		if k.teachers == noTeachers {
			continue
		}
		if !c.offline(k) {
			online[kind] = len(teachers)
			continue
		}
		name := precomputeName(k)
		if _, done := precomputes[name]; !done {
			views := float64(slices_[k.data] * batch.NumViews)
			precomputes[name] = fp.add(StagePrecompute, name, costs.forward(c.Teacher)*views*float64(len(teachers)), teachers)
		}
		inputs[kind] = append(inputs[kind], precomputes[name])
	}
	// TrainAll's order: the single-teacher students last.
	kinds = append(slices.DeleteFunc(slices.Clone(kinds), func(k StudentKind) bool { return k == StudentSingleKD }), StudentSingleKD)
	tuning := map[StudentKind][]string{}
	for _, kind := range kinds {
		if grid := c.Tune.Candidates(c.baseSetting(), kind.Distilled()); len(grid) > 1 {
			for i := range grid {
				for s := range c.Tune.seeds() {
					cost := costs.train(costs.student, c.Train.StudentSteps, online[kind])
					tuning[kind] = append(tuning[kind], fp.add(StageTuning, TuningID(kind, i+1, s+1).String(), cost, inputs[kind]))
				}
			}
		}
	}
	for _, kind := range kinds {
		for _, seed := range c.Seeds {
			cost := costs.train(costs.student, c.Train.StudentSteps, online[kind])
			fp.add(StageStudents, StudentID(kind, seed).String(), cost, inputs[kind], tuning[kind])
		}
	}
	return fp.tasks, fp.err
}

// offline reports whether a distilled kind's students distil from precomputed teacher outputs (studentSpec).
func (c Config) offline(k kindSpec) bool {
	switch k.teachers {
	case wellTrained:
		return c.Train.PrecomputeTeachers
	case limitedTrained:
		return (c.Loss.Hint == 0 && c.Loss.Attention == 0) || c.Train.PrecomputeTeachers
	}
	return false
}

// eligibleCandidates lists the student candidates the rule trains (ChooseStudent: small and fast enough), each
// architecture once, fewest parameters first.
func (c Config) eligibleCandidates() []NetSpec {
	rule := c.StudentRule.withDefaults()
	teacherParams, teacherFLOPs := c.Teacher.Net().ParamCount(), c.Teacher.Net().FLOPsPerSlice(c.Data.Size)
	var out []NetSpec
	for _, spec := range c.StudentCandidates {
		net := spec.Net()
		eligible := float64(teacherParams)/float64(net.ParamCount()) >= rule.MinParamRatio &&
			float64(teacherFLOPs)/float64(net.FLOPsPerSlice(c.Data.Size)) >= rule.MinSpeedup
		if eligible && !slices.ContainsFunc(out, func(o NetSpec) bool { return candidateName(o) == candidateName(spec) }) {
			out = append(out, spec)
		}
	}
	slices.SortStableFunc(out, func(a, b NetSpec) int { return a.Net().ParamCount() - b.Net().ParamCount() })
	return out
}

// teacherSubsets names the limit-trained teachers' subsets of c's fold, and counts the training slices of each
// student data (0 when the data is not read: real data's counts come from its files). A folder's sites are its
// site folders (Data.SiteFolders, or those found in Data.Path; without a path the dataset's six sites).
func teacherSubsets(c Config) (subsets []string, slices_ map[studentData]int, err error) {
	slices_ = map[studentData]int{}
	if c.Data.Source == SourceFolder {
		switch {
		case c.LimitedTeachers == TeachersRandom:
			return subsetNames("random", c.RandomTeachers), slices_, nil
		case len(c.Data.SiteFolders) > 0:
			return c.Data.SiteFolders, slices_, nil
		case c.Data.Path == "":
			return prostate.SiteNames, slices_, nil
		}
		sites, err := prostate.DiscoverSites(c.Data.Path)
		return sites, slices_, err
	}
	d, err := loadData(c)
	if err != nil {
		return nil, nil, err
	}
	slices_[studentsCases], slices_[allCases] = len(d.StudentTrain), len(d.Train)
	if _, semi, err := d.semiSamples(c.SemiLabelledRepeat); err == nil {
		slices_[semiCases] = len(semi)
	}
	return d.TeacherSubsets, slices_, nil
}

// costModel estimates tasks' compute from the networks' FLOPs per slice.
type costModel struct {
	c       Config
	student NetSpec // The students' network: Config.Student, or the largest eligible candidate (an upper bound).
}

func newCostModel(c Config) costModel {
	m := costModel{c: c, student: c.Student}
	if candidates := c.eligibleCandidates(); len(candidates) > 0 {
		m.student = slices.MaxFunc(candidates, func(a, b NetSpec) int {
			return int(a.Net().FLOPsPerSlice(c.Data.Size) - b.Net().FLOPsPerSlice(c.Data.Size))
		})
	}
	return m
}

// forward is one slice's forward pass through net, in TFLOPs.
func (m costModel) forward(net NetSpec) float64 {
	return float64(net.Net().FLOPsPerSlice(m.c.Data.Size)) / 1e12
}

// train is a training of net for steps batches (a backward pass costs about twice a forward), with online
// teachers running forward at every step.
func (m costModel) train(net NetSpec, steps, onlineTeachers int) float64 {
	perSlice := 3*m.forward(net) + float64(onlineTeachers)*m.forward(m.c.Teacher)
	return perSlice * float64(m.c.Train.BatchSize) * float64(steps)
}

// String writes the plan as text: each stage with its task count, estimated compute and the stages it needs,
// then its tasks.
func (p *Plan) String() string {
	var b strings.Builder
	for _, s := range p.Stages {
		needs := "nothing"
		if len(s.Needs) > 0 {
			names := make([]string, len(s.Needs))
			for i, n := range s.Needs {
				names[i] = string(n)
			}
			needs = strings.Join(names, ", ")
		}
		fmt.Fprintf(&b, "stage %s: %d tasks, %.3g TFLOPs, needs %s\n", s.Stage, len(s.Tasks), s.TFLOPs, needs)
		for _, t := range s.Tasks {
			fmt.Fprintf(&b, "  %-48s fold %-2d %-34s %10.3g TFLOPs  needs %d\n", t.ID, t.Fold, t.Name, t.TFLOPs, len(t.Needs))
		}
	}
	fmt.Fprintf(&b, "%d trainings\n", p.Trainings())
	return b.String()
}
