package experiment

import (
	"fmt"
	"slices"

	"github.com/gokd/gokd/kd/runcache"
)

// TaskRecord is what a done task publishes in the cache, under its id: the cache entry of what it built.
type TaskRecord struct {
	Task  string // The task's name (Task.Name).
	Stage Stage
	// Model is the cache key of the model trained (empty for a precompute or the report).
	Model string `json:",omitempty"`
}

// Done reports whether the task's record is in the cache: the task ran to its end.
func (r *Runner) Done(t Task) bool { return r.Cache.Has(t.kind, t.key) }

// RunTask runs one task of the Runner's plan (NewPlan on the Runner's configuration, the task's fold) into the
// cache, and nothing else: the models it needs are reloaded, and a missing one is an error wrapping ErrNotCached
// (their tasks have not run yet). A task already done, or being done by another worker sharing the cache, is
// not run again (the cache's lock: the worker waits for the other's record). The report stage is not a
// Runner's task: it is Run (or RunFolds) with ReloadOnly. hit reports that the task was done already.
func (r *Runner) RunTask(t Task) (record *TaskRecord, hit bool, err error) {
	if t.Stage == StageReport {
		return nil, false, fmt.Errorf("experiment: task %s: the report runs the experiment with ReloadOnly, not RunTask", t.ID)
	}
	if t.key.Config.Data.Fold != r.Config.Data.Fold {
		return nil, false, fmt.Errorf("experiment: task %s is of fold %d, the runner's is fold %d", t.ID, t.key.Config.Data.Fold, r.Config.Data.Fold)
	}
	r.TrainOnly = t.Name
	record, hit, err = runcache.GetJSON(r.Cache, t.kind, t.key, func() (*TaskRecord, error) {
		model, err := r.runTask(t)
		if err != nil {
			return nil, err
		}
		return &TaskRecord{Task: t.Name, Stage: t.Stage, Model: model}, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("experiment: task %s (%s): %w", t.ID, t.Name, err)
	}
	return record, hit, nil
}

// runTask builds what the task builds, with the evaluations the later stages read (validation Dice of the
// teacher for the student rule, of the candidates and of the tuning runs), and returns the cache key of the
// model trained ("" for a precompute).
func (r *Runner) runTask(t Task) (string, error) {
	c := r.Config
	var trained *Trained
	var err error
	needsValDice := false
	switch t.Stage {
	case StagePrecompute:
		return "", r.precompute(t.Name)
	case StageCandidates:
		i := slices.IndexFunc(c.eligibleCandidates(), func(s NetSpec) bool { return candidateName(s) == t.Name })
		if i < 0 {
			return "", fmt.Errorf("experiment: no eligible student candidate named %s", t.Name)
		}
		trained, err = r.candidate(c.eligibleCandidates()[i])
		needsValDice = true
	default:
		id, perr := ParseModelID(t.Name)
		if perr != nil {
			return "", perr
		}
		trained, needsValDice, err = r.trainModel(id)
	}
	if err != nil {
		return "", err
	}
	if needsValDice {
		if _, err := r.ValDice(trained); err != nil {
			return "", err
		}
	}
	return trained.Key, nil
}

// trainModel trains (or reloads) the model with the id, and says whether later stages read its validation Dice.
func (r *Runner) trainModel(id ModelID) (*Trained, bool, error) {
	c := r.Config
	switch id.Role {
	case RoleTeacher:
		t, err := r.Teacher()
		return t, len(c.StudentCandidates) > 0, err // The student rule compares with the teacher's.
	case RoleSiteTeacher:
		d, err := r.Data()
		if err != nil {
			return nil, false, err
		}
		i := slices.Index(d.TeacherSubsets, id.Subset)
		if i < 0 {
			return nil, false, fmt.Errorf("experiment: no limit-trained teacher subset %q among %v", id.Subset, d.TeacherSubsets)
		}
		t, err := r.siteTeacher(d, i)
		return t, false, err
	case RoleTuning:
		grid := c.Tune.Candidates(c.baseSetting(), id.Kind.Distilled())
		if id.Candidate > len(grid) || int(id.Seed) > c.Tune.seeds() {
			return nil, false, fmt.Errorf("experiment: %s is not in the tuning grid (%d settings, %d seeds)", id, len(grid), c.Tune.seeds())
		}
		t, err := r.tuningRun(id.Kind, id.Candidate-1, int(id.Seed)-1, grid[id.Candidate-1])
		return t, true, err
	case RoleStudent:
		t, err := r.Student(id.Kind, id.Seed)
		return t, false, err
	}
	return nil, false, fmt.Errorf("experiment: %s is not a model a task trains", id)
}

// precompute computes (or reloads) the teachers' outputs named name (precomputeName) into the cache.
func (r *Runner) precompute(name string) error {
	for _, kind := range r.Config.Kinds() {
		k, err := kind.spec()
		if err != nil || precomputeName(k) != name || !r.Config.offline(k) {
			continue
		}
		spec, err := r.studentSpec(kind, name, 0, r.Config.baseSetting())
		if err != nil {
			return err
		}
		_, err = r.teacherTargets(spec)
		return err
	}
	return fmt.Errorf("experiment: no student kind of this configuration precomputes %s", name)
}
