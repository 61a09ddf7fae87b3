package experiment

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/runcache"
	"github.com/gokd/gokd/kd/train"
	"github.com/gomlx/compute"
)

// Runner trains, caches and evaluates the models of one experiment. Create it with New.
type Runner struct {
	Backend compute.Backend
	Config  Config
	Cache   *runcache.Cache
	// Progress, when set, is asked for a progress display for each model that is actually trained (not reloaded).
	Progress func(name string) (update func(train.Progress), finish func())
	// Log, when set, receives one line per model: trained (with its wall time) or "reloaded from cache (trained
	// for …, key …)". Lines are written one at a time, also when models train in parallel.
	Log io.Writer
	// ReloadOnly makes the Runner reload models from the cache and train none: a model missing from the cache is
	// an error wrapping ErrNotCached. A notebook that shows a committed run sets it, so that an incomplete cache
	// says so instead of training for hours.
	ReloadOnly bool
	// Parallel is how many models [Runner.TrainAll] (and so [Runner.Run]) trains at once; 0 picks the default:
	// one per CPU core on the Go backend, where one small network's training keeps only about 1.4 of 2 cores
	// busy, and 1 on other backends. Every model is the same whatever Parallel is (tested): only wall time changes.
	Parallel int
	// TrainOnly, when set, names the one model (or teachers' precompute, see Plan) the Runner may build: every
	// other one is reloaded from the cache, and a missing one is an error wrapping ErrNotCached, as with
	// ReloadOnly. `gokd experiment -task` sets it, so that a task never trains its inputs silently.
	TrainOnly string

	logMu   sync.Mutex
	data    onceMap[*Data]
	models  onceMap[*Trained]
	targets onceMap[*train.Precomputed] // Offline teacher outputs, by teachers' keys and subset: shared by the seeds.
	tuned   onceMap[*Tuning]
	choice  onceMap[*StudentChoice]
}

// ErrNotCached is the error of a Runner with ReloadOnly set that needs a model its cache does not hold.
var ErrNotCached = errors.New("not in the cache, and the runner reloads only (ReloadOnly)")

// Trained is a trained model of the experiment.
type Trained struct {
	Name    string
	Key     string // Cache entry, derived from everything that determines the model.
	Model   *inference.Model
	History *train.History
	Cached  bool // Reloaded from the cache rather than trained now.
}

// New returns a Runner for config, caching models in cacheDir.
func New(backend compute.Backend, config Config, cacheDir string) (*Runner, error) {
	if err := config.Validate(); err != nil {
		return nil, err
	}
	cache, err := runcache.Open(cacheDir)
	if err != nil {
		return nil, err
	}
	return &Runner{Backend: backend, Config: config, Cache: cache}, nil
}

// Data loads (once) and returns the experiment's data.
func (r *Runner) Data() (*Data, error) {
	return r.data.get("", func() (*Data, error) { return loadData(r.Config) })
}

// Teacher returns the well-trained teacher (all training data).
func (r *Runner) Teacher() (*Trained, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	return r.teacher(TeacherID().String(), "all", d.Train, d.Val, r.Config.Train.TeacherSteps)
}

// SiteTeachers returns the limit-trained teachers: one per site of the training data, or (LimitedTeachers
// TeachersRandom) one per random case subset.
func (r *Runner) SiteTeachers() ([]*Trained, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	teachers := make([]*Trained, len(d.TeacherSubsets))
	for i := range d.TeacherSubsets {
		if teachers[i], err = r.siteTeacher(d, i); err != nil {
			return nil, err
		}
	}
	return teachers, nil
}

// siteTeacher returns the limit-trained teacher of the i-th subset: limited in data, given the same steps as the
// well-trained teacher unless Train.SiteTeacherSteps says otherwise.
func (r *Runner) siteTeacher(d *Data, i int) (*Trained, error) {
	subset := d.TeacherSubsets[i]
	steps := r.Config.Train.SiteTeacherSteps
	if steps == 0 {
		steps = r.Config.Train.TeacherSteps
	}
	validation := d.Val
	if slices.Contains(d.Sites, subset) { // A site teacher (not a random subset's or a slab's): its site's cases.
		validation = slices.DeleteFunc(slices.Clone(d.Val), func(s datasets.Sample) bool { return s.Site != subset })
	}
	return r.teacher(SiteTeacherID(subset).String(), subset, d.TeacherTrain[i], validation, steps)
}

// teacher trains (or reloads) a teacher on samples; with Train.TeacherPatience, until its Dice on validation
// plateaus.
func (r *Runner) teacher(name, subset string, samples, validation []datasets.Sample, steps int) (*Trained, error) {
	objective, err := r.Config.Loss.teacherObjective()
	if err != nil {
		return nil, err
	}
	c := r.Config
	spec := trainSpec{
		name: name, net: c.Teacher, subset: subset, samples: samples, steps: steps, learningRate: c.Train.LearningRate,
		seed: c.Train.Seed, objective: objective, cosine: c.Train.CosineDecay || c.Train.TeacherCosineDecay,
	}
	if c.Train.TeacherPatience > 0 {
		if len(validation) == 0 {
			return nil, fmt.Errorf("experiment: %s: Train.TeacherPatience needs validation cases of its data, and there are none", name)
		}
		spec.patience, spec.validation = c.Train.TeacherPatience, validation
	}
	return r.train(spec)
}

// Student returns the student of a kind (one of StudentKinds or OptionalStudentKinds) trained with seed, with the
// kind's setting chosen on the validation cases (see Tuned; the configured one without a tuning grid).
func (r *Runner) Student(kind StudentKind, seed int64) (*Trained, error) {
	tuning, err := r.Tuned(kind)
	if err != nil {
		return nil, err
	}
	return r.student(kind, StudentID(kind, seed).String(), seed, tuning.Chosen)
}

// baseSetting is the configured setting of the students, used without a tuning grid.
func (c Config) baseSetting() Setting {
	return Setting{LearningRate: c.Train.StudentLearningRate, Temperature: c.Loss.Temperature, KL: c.Loss.KL}
}

// student trains (or reloads) a student of a kind under a name, with seed and setting: its teachers, data and
// objective are the kind's entry of kindTable.
func (r *Runner) student(kind StudentKind, name string, seed int64, setting Setting) (*Trained, error) {
	spec, err := r.studentSpec(kind, name, seed, setting)
	if err != nil {
		return nil, err
	}
	if spec.net, err = r.StudentNet(); err != nil {
		return nil, err
	}
	return r.train(spec)
}

// studentSpec is the training of a student of a kind but its network: its teachers (trained or reloaded),
// data, objective and steps.
func (r *Runner) studentSpec(kind StudentKind, name string, seed int64, setting Setting) (trainSpec, error) {
	d, err := r.Data()
	if err != nil {
		return trainSpec{}, err
	}
	c := r.Config
	loss := c.Loss
	loss.Temperature, loss.KL = setting.Temperature, setting.KL
	spec := trainSpec{name: name, subset: "students", samples: d.StudentTrain,
		steps: c.Train.StudentSteps, learningRate: setting.LearningRate, seed: seed, cosine: c.Train.CosineDecay}
	k, err := kind.spec()
	if err != nil {
		return trainSpec{}, err
	}
	spec.objective, spec.precompute = k.objective(loss), precomputeName(k)
	switch k.data {
	case allCases:
		spec.subset, spec.samples = "all", d.Train
	case semiCases:
		if spec.subset, spec.samples, err = d.semiSamples(c.SemiLabelledRepeat); err != nil {
			return trainSpec{}, fmt.Errorf("experiment: %s: %w (StudentCasesPerSite %d)", name, err, c.StudentCasesPerSite)
		}
	}
	switch k.teachers {
	case wellTrained:
		t, err := r.Teacher()
		if err != nil {
			return trainSpec{}, err
		}
		spec.teachers, spec.features = []*Trained{t}, c.Train.Features
		spec.offline = c.Train.PrecomputeTeachers
	case limitedTrained:
		if spec.teachers, err = r.SiteTeachers(); err != nil {
			return trainSpec{}, err
		}
		// Each teacher's features are paired with the student's, weighted like its logits (losses.Objective.Loss).
		// K teachers' forward passes would dominate every step, so without feature terms their logits are
		// precomputed, and with them too when Train.PrecomputeTeachers says so.
		if loss.Hint != 0 || loss.Attention != 0 {
			spec.features = c.Train.Features
		}
		spec.offline = len(spec.features) == 0 || c.Train.PrecomputeTeachers
	}
	return spec, nil
}

// trainSpec is one model to train.
type trainSpec struct {
	name         string
	net          NetSpec
	subset       string
	samples      []datasets.Sample
	steps        int
	learningRate float64
	seed         int64
	cosine       bool // Cosine learning-rate decay.
	teachers     []*Trained
	objective    *losses.Objective // The whole loss: its description is part of the cache key.
	features     []string
	// offline precomputes the teachers' outputs (logits and features) on the training slices, in each view the
	// augmentation draws (train.Precompute), instead of running the teachers at every step; precompute names that
	// step (its plan task, precomputeName).
	offline    bool
	precompute string
	// patience > 0 trains until the mean Dice on validation plateaus (train.Job.Validate, Patience).
	patience   int
	validation []datasets.Sample
}

// teacherTargets returns the teachers' outputs on the samples of subset (train.Precompute), computed once for
// each teachers, subset and features (every seed's student reuses them; cached: cachedTargets).
func (r *Runner) teacherTargets(s trainSpec) (*train.Precomputed, error) {
	memo := s.subset + "/" + strings.Join(s.features, ",")
	teachers := make([]*inference.Model, len(s.teachers))
	for i, t := range s.teachers {
		memo += "/" + t.Key
		teachers[i] = t.Model
	}
	return r.targets.get(memo, func() (*train.Precomputed, error) { return r.cachedTargets(s, teachers) })
}

// mayBuild reports whether the Runner may build the model (or precompute) named name rather than only reload it
// (ReloadOnly, TrainOnly).
func (r *Runner) mayBuild(name string) bool {
	return !r.ReloadOnly && (r.TrainOnly == "" || r.TrainOnly == name)
}

// trainingVersion changes when a change of GoKD's code changes what a configuration trains: models cached by an
// older version are then retrained rather than reloaded. 4: batches shuffled every epoch; fusion weights kept.
// (The multi-teacher students' feature terms, with their teachers online, needed no new version: the Features
// and Offline fields of their keys changed, and nothing else trains differently.)
const trainingVersion = 4

// modelKey is everything that determines a trained model: its cache key.
type modelKey struct {
	Version             int
	Name                string
	Data                DataConfig // Path left out for Source SourceFolder: DataFingerprint identifies its files.
	DataFingerprint     string     `json:",omitempty"`
	StudentCasesPerSite int
	Net                 NetSpec
	Subset              string
	Steps, BatchSize    int
	LearningRate        float64
	Seed                int64
	CosineDecay         bool
	Teachers            []string // Cache keys of the teachers.
	Objective           string   // The objective's description (losses.Objective.String): every term and setting.
	Features            []string
	Offline             bool
	// OfflineViews marks offline students trained on their teachers' outputs in each view (train.Precompute) —
	// all of them since it exists; omitted when false, so that online students' keys stay.
	OfflineViews bool `json:",omitempty"`
	Patience     int  `json:",omitempty"` // Omitted when 0: the keys of models trained all their steps stay.
}

const historyFile = "history.json"

// trainingBatches configures the training batches of a model: augmented, endless, and shuffled anew every epoch
// in an order drawn from the seed (two seeds see different batches; one seed the same ones every time).
func (r *Runner) trainingBatches(name string, samples []datasets.Sample, seed int64) *batch.Config {
	return batch.New(name, samples).BatchSize(r.Config.Train.BatchSize).Seed(uint64(seed)).
		Augment(batch.DefaultAugmentation).Shuffle(true).Infinite(true)
}

// train returns the model of s, trained or reloaded from the cache once per Runner: concurrent calls for the same
// model wait for the first one.
func (r *Runner) train(s trainSpec) (*Trained, error) {
	return r.models.get(s.name, func() (*Trained, error) { return r.trainOrReload(s) })
}

func (r *Runner) trainOrReload(s trainSpec) (*Trained, error) {
	c := r.Config
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	key := modelKey{Version: trainingVersion, Name: s.name, Data: c.Data.keyed(), DataFingerprint: d.Fingerprint, StudentCasesPerSite: c.StudentCasesPerSite, Net: s.net, Subset: s.subset,
		Steps: s.steps, BatchSize: c.Train.BatchSize, LearningRate: s.learningRate, Seed: s.seed,
		CosineDecay: s.cosine, Objective: s.objective.String(), Features: s.features, Offline: s.offline,
		OfflineViews: s.offline, Patience: s.patience}
	teachers := make([]*inference.Model, len(s.teachers))
	for i, t := range s.teachers {
		key.Teachers = append(key.Teachers, t.Key)
		teachers[i] = t.Model
	}
	kind := strings.ReplaceAll(s.name, "/", "_")
	final, err := r.Cache.Path(kind, key)
	if err != nil {
		return nil, err
	}
	if !r.mayBuild(s.name) && !r.Cache.Has(kind, key) {
		return nil, fmt.Errorf("experiment: %s (%s in %s): %w", s.name, filepath.Base(final), r.Cache.Dir, ErrNotCached)
	}
	// An interrupted training (a kernel restart mid-cell) resumes from its last checkpoint here.
	partial := final + ".partial"
	var trained *Trained
	dir, hit, err := r.Cache.Get(kind, key, func(dir string) error {
		job := train.Job{Name: s.name, Net: s.net.Net(), Teachers: teachers, Objective: s.objective,
			Features: s.features, Steps: s.steps, LearningRate: s.learningRate, CosineDecay: s.cosine,
			Seed: s.seed, CheckpointDir: partial, Devices: c.Train.Devices}
		if s.patience > 0 {
			job.Patience = s.patience
			job.Validate = func(m *inference.Model) (float64, error) { return r.meanDice(m, s.validation) }
		}
		data := r.trainingBatches(s.name, s.samples, s.seed)
		if s.offline {
			precomputed, err := r.teacherTargets(s)
			if err != nil {
				return err
			}
			data = data.Targets(precomputed.Values, precomputed.Length())
			job.Teachers, job.Precomputed = nil, precomputed
		}
		var err error
		if job.Data, err = data.Done(); err != nil {
			return err
		}
		var finish func()
		if r.Progress != nil {
			job.Progress, finish = r.Progress(s.name)
		}
		model, history, err := train.Run(r.Backend, job)
		if finish != nil {
			finish()
		}
		if err != nil {
			return err
		}
		if err := model.Save(filepath.Join(dir, "model")); err != nil {
			return err
		}
		trained = &Trained{Name: s.name, Model: model, History: history}
		return runcache.WriteJSON(filepath.Join(dir, historyFile), history)
	})
	if err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", s.name, err)
	}
	if !hit {
		_ = os.RemoveAll(partial) // The model is published: its training state is no longer needed.
	}
	if hit {
		model, err := inference.LoadModel(filepath.Join(dir, "model"), s.net.Net())
		if err != nil {
			return nil, fmt.Errorf("experiment: reloading %s from the cache: %w", s.name, err)
		}
		trained = &Trained{Name: s.name, Model: model, History: &train.History{}, Cached: true}
		if err := runcache.ReadJSON(filepath.Join(dir, historyFile), trained.History); err != nil {
			return nil, fmt.Errorf("experiment: reloading %s from the cache: %w", s.name, err)
		}
	}
	trained.Key = filepath.Base(dir)
	if r.Log != nil {
		verb := fmt.Sprintf("trained in %.0f s (%.0f ms/step)", trained.History.Wall.Seconds(), trained.History.StepMS)
		if hit {
			verb = reloadedLine(trained)
		}
		r.logMu.Lock()
		fmt.Fprintf(r.Log, "%-28s %s (%d parameters)\n", s.name, verb, trained.Model.ParamCount())
		r.logMu.Unlock()
	}
	return trained, nil
}
