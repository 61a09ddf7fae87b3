package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/train"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "fused-targets" && os.Args[1] != "retrain" && os.Args[1] != "teachers") {
		fmt.Fprintln(os.Stderr, "usage: gokd-explore fused-targets|retrain|teachers [flags] (see go doc ./cmd/gokd-explore)")
		os.Exit(2)
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	configPath := flags.String("config", experiment.NotebookProtocol, "JSON configuration file or committed configuration's name, read as `gokd experiment -config` reads it (experiment.LoadConfig)")
	cacheDir := flags.String("cache", "results/protocol-notebook", "the run's model cache")
	kind := flags.String("kind", string(experiment.StudentAdaptiveKD), "retrain: the student kind")
	rate := flags.Float64("lr", 1e-2, "retrain: learning rate")
	temperature := flags.Float64("temperature", 1, "retrain: temperature of the KL term")
	precompute := flags.Bool("precompute", false, "retrain: distil from the teachers' precomputed outputs (Train.PrecomputeTeachers)")
	into := flags.String("into", "", "retrain: cache for the retrained students (a copy of -cache: the teachers are reused); teachers: cache for the teachers trained to a plateau")
	patience := flags.Int("patience", train.DefaultPatience, "teachers: validation scores without a new best before a teacher stops")
	_ = flags.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "fused-targets":
		err = fusedTargets(os.Stdout, *configPath, *cacheDir)
	case "retrain":
		err = retrain(os.Stdout, *configPath, *cacheDir, *into, experiment.StudentKind(*kind), *rate, *temperature, *precompute)
	case "teachers":
		err = plateauTeachers(os.Stdout, *configPath, *cacheDir, *into, *patience)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gokd-explore:", err)
		os.Exit(1)
	}
}

// runner opens the run's configuration on a cache, read as every front end reads -config (experiment.LoadConfig),
// so that one file means one configuration.
func runner(configPath, cacheDir string, edit func(*experiment.Config)) (*experiment.Runner, error) {
	config, err := experiment.LoadConfig(configPath)
	if err != nil {
		return nil, err
	}
	if edit != nil {
		edit(&config)
	}
	b, err := backend.FromEnv()
	if err != nil {
		return nil, err
	}
	return experiment.New(b, config, cacheDir)
}

// fusedTargets prints the Dice of the site teachers' fused predictions under several weightings.
func fusedTargets(w io.Writer, configPath, cacheDir string) error {
	r, err := runner(configPath, cacheDir, nil)
	if err != nil {
		return err
	}
	d, err := r.Data()
	if err != nil {
		return err
	}
	teachers, err := r.SiteTeachers()
	if err != nil {
		return err
	}
	k := len(teachers)
	weightings := []weighting{{"equal", uniform(k, -1)}}
	learned := make([]float64, k)
	for _, seed := range r.Config.Seeds {
		s, err := r.Student(experiment.StudentAdaptiveKD, seed)
		if err != nil {
			return err
		}
		if len(s.History.FusionWeights) != k {
			return fmt.Errorf("%s has %d fusion weights, want %d", s.Name, len(s.History.FusionWeights), k)
		}
		for i, v := range s.History.FusionWeights {
			learned[i] += v / float64(len(r.Config.Seeds))
		}
	}
	weightings = append(weightings, weighting{fmt.Sprintf("learned %.3f", learned), learned})
	for i, t := range teachers {
		weightings = append(weightings, weighting{t.Name + " alone", uniform(k, i)})
	}
	table := metrics.Table{Columns: []string{"cases", "weights", "Dice (mean over cases)"}}
	for _, set := range []struct {
		name    string
		samples []datasets.Sample
	}{{"validation", d.Val}, {"test", d.Test}, {"students' training", d.StudentTrain}} {
		probs := make([][][]float32, k) // Teacher, slice, pixel: foreground probability at T = 1.
		for i, t := range teachers {
			predictor, err := t.Model.NewPredictor(r.Backend)
			if err != nil {
				return err
			}
			logits, err := predictor.Logits(set.samples, r.Config.Train.BatchSize)
			if err != nil {
				return err
			}
			probs[i] = foreground(logits)
		}
		for _, weighting := range weightings {
			masks := make([][]int32, len(set.samples))
			for s := range set.samples {
				masks[s] = make([]int32, len(probs[0][s]))
				for px := range masks[s] {
					fused := 0.0
					for i := range k {
						fused += weighting.weights[i] * float64(probs[i][s][px])
					}
					if fused > 0.5 {
						masks[s][px] = 1
					}
				}
			}
			report, err := metrics.NewEvaluator().Evaluate(set.samples, masks)
			if err != nil {
				return err
			}
			table.Rows = append(table.Rows, []string{set.name, weighting.name, fmt.Sprintf("%.3f", report.Overall.Dice.Mean)})
		}
	}
	_, err = fmt.Fprintf(w, "Fused predictions of the limit-trained teachers (temperature 1)\n%s\n", table)
	return err
}

// weighting is one convex combination of the teachers.
type weighting struct {
	name    string
	weights []float64
}

// uniform returns k equal weights, or with one ≥ 0 all the weight on that teacher.
func uniform(k, one int) []float64 {
	out := make([]float64, k)
	for i := range out {
		switch {
		case one < 0:
			out[i] = 1 / float64(k)
		case i == one:
			out[i] = 1
		}
	}
	return out
}

// foreground turns 2-class logits (background, foreground per pixel) into foreground probabilities.
func foreground(logits [][]float32) [][]float32 {
	out := make([][]float32, len(logits))
	for s, l := range logits {
		out[s] = make([]float32, len(l)/2)
		for px := range out[s] {
			out[s][px] = float32(1 / (1 + math.Exp(float64(l[2*px]-l[2*px+1]))))
		}
	}
	return out
}

// retrain trains a kind's students with a fixed setting into another cache and pairs them with the run's scratch
// and mean-KD students.
func retrain(w io.Writer, configPath, cacheDir, into string, kind experiment.StudentKind, rate, temperature float64,
	precompute bool) error {
	if into == "" || into == cacheDir {
		return fmt.Errorf("retrain needs -into DIR, a copy of the cache %s (the run's own cache stays as it is)", cacheDir)
	}
	run, err := runner(configPath, cacheDir, nil)
	if err != nil {
		return err
	}
	fixed, err := runner(configPath, into, func(c *experiment.Config) {
		// One grid point: no tuning, the same tuning seed (so the same student candidates and choice).
		c.Tune.LearningRates, c.Tune.Temperatures, c.Tune.KLWeights, c.Tune.Seeds = []float64{rate}, []float64{temperature}, nil, 0
		c.Train.PrecomputeTeachers = c.Train.PrecomputeTeachers || precompute
	})
	if err != nil {
		return err
	}
	fixed.Log = w
	students := map[experiment.StudentKind][]*experiment.Evaluation{}
	for _, seed := range run.Config.Seeds {
		for _, k := range []experiment.StudentKind{experiment.StudentScratch, experiment.StudentMeanKD} {
			if err := evaluate(run, k, seed, students); err != nil {
				return err
			}
		}
		if err := evaluate(fixed, kind, seed, students); err != nil {
			return err
		}
	}
	cmp, err := experiment.Compare([]experiment.FoldStudents{students}, kind)
	if err != nil {
		return err
	}
	stat := metrics.NewStat(dice(students[kind]))
	_, err = fmt.Fprintf(w, "%s at learning rate %g, temperature %g, teachers precomputed %v: test Dice %.3f ± %.3f over %d seeds\n%s\n",
		kind, rate, temperature, fixed.Config.Train.PrecomputeTeachers, stat.Mean, stat.Std, len(students[kind]), cmp.Table())
	return err
}

// plateauTeachers trains the run's teachers until their validation Dice plateaus (Train.TeacherPatience) into
// another cache, and sets them beside the run's teachers, trained all their steps.
func plateauTeachers(w io.Writer, configPath, cacheDir, into string, patience int) error {
	if into == "" || into == cacheDir {
		return fmt.Errorf("teachers needs -into DIR, a cache other than the run's %s", cacheDir)
	}
	run, err := runner(configPath, cacheDir, nil)
	if err != nil {
		return err
	}
	patient, err := runner(configPath, into, func(c *experiment.Config) { c.Train.TeacherPatience = patience })
	if err != nil {
		return err
	}
	patient.Log = w
	table := metrics.Table{Columns: []string{"teacher", "test Dice (all steps)", "validation Dice every 100 steps", "best step",
		"stopped at", "test Dice (best)"}}
	fixed, err := allTeachers(run)
	if err != nil {
		return err
	}
	plateaued, err := allTeachers(patient)
	if err != nil {
		return err
	}
	for i, t := range plateaued {
		before, err := run.Evaluate(fixed[i])
		if err != nil {
			return err
		}
		after, err := patient.Evaluate(t)
		if err != nil {
			return err
		}
		h := t.History
		scores := make([]string, len(h.ValidationScores))
		for j, score := range h.ValidationScores {
			scores[j] = fmt.Sprintf("%.3f", score)
		}
		table.Rows = append(table.Rows, []string{t.Name, fmt.Sprintf("%.3f", before.Dice), strings.Join(scores, " "),
			fmt.Sprint(h.BestStep), fmt.Sprint(h.StoppedStep), fmt.Sprintf("%.3f", after.Dice)})
	}
	_, err = fmt.Fprintf(w, "Teachers trained until their validation Dice plateaus (patience %d), and all their steps\n%s\n", patience, table)
	return err
}

// allTeachers returns the well-trained teacher, then the limit-trained ones.
func allTeachers(r *experiment.Runner) ([]*experiment.Trained, error) {
	teacher, err := r.Teacher()
	if err != nil {
		return nil, err
	}
	sites, err := r.SiteTeachers()
	if err != nil {
		return nil, err
	}
	return append([]*experiment.Trained{teacher}, sites...), nil
}

func evaluate(r *experiment.Runner, kind experiment.StudentKind, seed int64, into map[experiment.StudentKind][]*experiment.Evaluation) error {
	s, err := r.Student(kind, seed)
	if err != nil {
		return err
	}
	e, err := r.Evaluate(s)
	if err != nil {
		return err
	}
	into[kind] = append(into[kind], e)
	return nil
}

func dice(evals []*experiment.Evaluation) []float64 {
	out := make([]float64, len(evals))
	for i, e := range evals {
		out[i] = e.Dice
	}
	return out
}
