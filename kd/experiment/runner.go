package experiment

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/runcache"
	"github.com/gokd/gokd/kd/train"
	"github.com/gomlx/compute"
)

// Names of the experiment's models. A site teacher is SiteTeacher + "-" + site; a student is its kind + "-s" +
// seed (see StudentName).
const (
	Teacher           = "teacher"             // The well-trained teacher: all training data.
	SiteTeacher       = "site_teacher"        // A limit-trained teacher: one site's training data.
	StudentScratch    = "student_scratch"     // Baseline: the student trained from scratch on the students' data.
	StudentScratchAll = "student_scratch_all" // Baseline: the student trained from scratch on all training data.
	StudentSingleKD   = "student_single_kd"   // Distilled from Teacher (logits and features).
	StudentMeanKD     = "student_mean_kd"     // Distilled from the site teachers' averaged targets.
	StudentAdaptiveKD = "student_adaptive_kd" // Distilled from the site teachers, fused with learned weights.
)

// StudentKinds lists the student kinds in the order tables show them.
var StudentKinds = []string{StudentScratch, StudentScratchAll, StudentSingleKD, StudentMeanKD, StudentAdaptiveKD}

// StudentName names the student of a kind trained with a seed.
func StudentName(kind string, seed int64) string { return fmt.Sprintf("%s-s%d", kind, seed) }

// Runner trains, caches and evaluates the models of one experiment. Create it with New.
type Runner struct {
	Backend compute.Backend
	Config  Config
	Cache   *runcache.Cache
	// Progress, when set, is asked for a progress display for each model that is actually trained (not reloaded).
	Progress func(name string) (update func(train.Progress), finish func())
	// Log, when set, receives one line per model: trained (with its wall time) or reloaded from the cache. Lines
	// are written one at a time, also when models train in parallel.
	Log io.Writer
	// Parallel is how many models [Runner.TrainAll] (and so [Runner.Run]) trains at once; 0 picks the default:
	// one per CPU core on the Go backend, where one small network's training keeps only about 1.4 of 2 cores
	// busy, and 1 on other backends. Every model is the same whatever Parallel is (tested): only wall time changes.
	Parallel int

	logMu   sync.Mutex
	data    onceMap[*Data]
	models  onceMap[*Trained]
	targets onceMap[[][]float32] // Offline teacher targets, by teachers' keys and subset: shared by the seeds.
}

// Trained is a trained model of the experiment.
type Trained struct {
	Name    string
	Key     string // Cache entry, derived from everything that determines the model.
	Model   *train.Model
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
	return r.teacher(Teacher, "all", d.Train, r.Config.Train.TeacherSteps)
}

// SiteTeachers returns the limit-trained teachers, one per site of the training data.
func (r *Runner) SiteTeachers() ([]*Trained, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	teachers := make([]*Trained, len(d.Sites))
	for i := range d.Sites {
		if teachers[i], err = r.siteTeacher(d, i); err != nil {
			return nil, err
		}
	}
	return teachers, nil
}

// siteTeacher returns the limit-trained teacher of the i-th site.
func (r *Runner) siteTeacher(d *Data, i int) (*Trained, error) {
	site := d.Sites[i]
	return r.teacher(SiteTeacher+"-"+site, site, d.SiteTrain[i], r.Config.Train.SiteTeacherSteps)
}

func (r *Runner) teacher(name, subset string, samples []datasets.Sample, steps int) (*Trained, error) {
	objective, err := r.Config.Loss.teacherObjective()
	if err != nil {
		return nil, err
	}
	c := r.Config
	return r.train(trainSpec{
		name: name, net: c.Teacher, subset: subset, samples: samples, steps: steps, learningRate: c.Train.LearningRate,
		seed: c.Train.Seed, objective: objective, loss: LossSpec{TeacherLoss: c.Loss.TeacherLoss},
	})
}

// Student returns the student of a kind (one of StudentKinds) trained with seed.
func (r *Runner) Student(kind string, seed int64) (*Trained, error) {
	d, err := r.Data()
	if err != nil {
		return nil, err
	}
	c := r.Config
	spec := trainSpec{name: StudentName(kind, seed), net: c.Student, subset: "students", samples: d.StudentTrain,
		steps: c.Train.StudentSteps, learningRate: c.Train.StudentLearningRate, seed: seed,
		objective: c.Loss.Objective(losses.FusionAdaptive)}
	spec.loss, spec.loss.TeacherLoss = c.Loss, "" // The teachers' loss reaches the key through their own keys.
	switch kind {
	case StudentScratch:
	case StudentScratchAll:
		spec.subset, spec.samples = "all", d.Train
	case StudentSingleKD:
		t, err := r.Teacher()
		if err != nil {
			return nil, err
		}
		spec.teachers, spec.features = []*Trained{t}, c.Train.Features
	case StudentMeanKD, StudentAdaptiveKD:
		if spec.teachers, err = r.SiteTeachers(); err != nil {
			return nil, err
		}
		spec.offline = true // K teachers' forward passes would dominate every step: their logits are precomputed.
		if kind == StudentMeanKD {
			spec.objective, spec.fusion = c.Loss.Objective(losses.FusionMean), string(losses.FusionMean)
		} else {
			spec.fusion = string(losses.FusionAdaptive)
		}
	default:
		return nil, fmt.Errorf("experiment: unknown student kind %q, want one of %v", kind, StudentKinds)
	}
	if len(spec.teachers) == 0 { // Scratch baselines learn from the labels alone.
		spec.objective = spec.objective.KL(0).Hint(0).Attention(0)
		spec.loss = LossSpec{Dice: c.Loss.Dice, Lovasz: c.Loss.Lovasz, CrossEntropy: c.Loss.CrossEntropy}
	}
	return r.train(spec)
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
	teachers     []*Trained
	objective    *losses.Objective
	loss         LossSpec // The part of Config.Loss the model depends on (its cache key).
	fusion       string
	features     []string
	// offline precomputes the teachers' logits on the training slices (moved with the augmentation's flips and
	// rotations) instead of running the teachers at every step.
	offline bool
}

// teacherTargets returns each sample of subset's teachers' logits, concatenated teacher after teacher on the
// channel axis. They are computed once per Runner for each teachers and subset (every seed's student reuses them).
func (r *Runner) teacherTargets(subset string, teachers []*Trained, samples []datasets.Sample) ([][]float32, error) {
	memo := subset
	for _, t := range teachers {
		memo += "/" + t.Key
	}
	return r.targets.get(memo, func() ([][]float32, error) {
		targets := make([][]float32, len(samples))
		for _, t := range teachers {
			predictor, err := t.Model.NewPredictor(r.Backend)
			if err != nil {
				return nil, err
			}
			logits, err := predictor.Logits(samples, r.Config.Train.BatchSize)
			if err != nil {
				return nil, err
			}
			for i := range targets {
				targets[i] = appendInterleaved(targets[i], logits[i], t.Model.Net.NumClasses())
			}
		}
		return targets, nil
	})
}

// appendInterleaved adds one teacher's per-pixel logits (classes values per pixel) to a target map that holds
// teachers·classes values per pixel, teacher after teacher.
func appendInterleaved(target, logits []float32, classes int) []float32 {
	pixels := len(logits) / classes
	filled := len(target) / pixels // Values per pixel already there.
	out := make([]float32, pixels*(filled+classes))
	for px := range pixels {
		copy(out[px*(filled+classes):], target[px*filled:(px+1)*filled])
		copy(out[px*(filled+classes)+filled:], logits[px*classes:(px+1)*classes])
	}
	return out
}

// trainingVersion changes when a change of GoKD's code changes what a configuration trains: models cached by an
// older version are then retrained rather than reloaded.
const trainingVersion = 3

// modelKey is everything that determines a trained model: its cache key.
type modelKey struct {
	Version             int
	Name                string
	Data                DataConfig
	StudentCasesPerSite int
	Net                 NetSpec
	Subset              string
	Steps, BatchSize    int
	LearningRate        float64
	Seed                int64
	Teachers            []string // Cache keys of the teachers.
	Loss                LossSpec
	Fusion              string
	Features            []string
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
	key := modelKey{Version: trainingVersion, Name: s.name, Data: c.Data, StudentCasesPerSite: c.StudentCasesPerSite, Net: s.net, Subset: s.subset,
		Steps: s.steps, BatchSize: c.Train.BatchSize, LearningRate: s.learningRate, Seed: s.seed, Loss: s.loss,
		Fusion: s.fusion, Features: s.features}
	teachers := make([]*train.Model, len(s.teachers))
	for i, t := range s.teachers {
		key.Teachers = append(key.Teachers, t.Key)
		teachers[i] = t.Model
	}
	kind := strings.ReplaceAll(s.name, "/", "_")
	final, err := r.Cache.Path(kind, key)
	if err != nil {
		return nil, err
	}
	// An interrupted training (a kernel restart mid-cell) resumes from its last checkpoint here.
	partial := final + ".partial"
	var trained *Trained
	dir, hit, err := r.Cache.Get(kind, key, func(dir string) error {
		job := train.Job{Name: s.name, Net: s.net.Net(), Teachers: teachers, Objective: s.objective,
			Features: s.features, Steps: s.steps, LearningRate: s.learningRate, Seed: s.seed, CheckpointDir: partial,
			Devices: c.Train.Devices}
		data := r.trainingBatches(s.name, s.samples, s.seed)
		if s.offline {
			targets, err := r.teacherTargets(s.subset, s.teachers, s.samples)
			if err != nil {
				return err
			}
			data = data.Targets(targets, len(teachers)*job.Net.NumClasses())
			job.Teachers, job.TargetTeachers = nil, len(teachers)
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
		model, err := train.LoadModel(r.Backend, filepath.Join(dir, "model"), s.net.Net())
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
			verb = "reloaded from the cache"
		}
		r.logMu.Lock()
		fmt.Fprintf(r.Log, "%-28s %s (%d parameters)\n", s.name, verb, trained.Model.ParamCount())
		r.logMu.Unlock()
	}
	return trained, nil
}
