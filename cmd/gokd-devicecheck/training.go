package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/datasets/phantom"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gokd/gokd/kd/train"
	"github.com/gomlx/compute"
)

// Options sizes the training phase.
type Options struct {
	Steps        int // Training steps of the teacher, then of the student, on the checked backend.
	CompareSteps int // Steps of each on the Go backend, for the ms/step comparison; 0 skips it.
	Size         int // Phantom slice size (a multiple of the networks' nets.Config.SizeDivisor).
	Batch        int // Batch size.
	Devices      int // As train.Job.Devices on the checked backend (train.AllDevices: all of them).

	// Phantom data: sites × cases per site × slices per case; a third of the cases is held out for the Dice.
	Sites, CasesPerSite, SlicesPerCase int
}

// DefaultOptions sizes the check for a GPU: a few dozen steps on 64² phantom slices, well under a minute of GPU
// time after compilation, and a short comparison on the Go backend.
func DefaultOptions() Options {
	return Options{Steps: 40, CompareSteps: 6, Size: 64, Batch: 8, Devices: train.AllDevices,
		Sites: 3, CasesPerSite: 4, SlicesPerCase: 8}
}

// DryRunOptions sizes the check to take seconds on a CPU: the code paths of DefaultOptions, not its numbers.
func DryRunOptions() Options {
	return Options{Steps: 2, CompareSteps: 1, Size: 16, Batch: 4, Devices: train.AllDevices,
		Sites: 2, CasesPerSite: 2, SlicesPerCase: 4}
}

// Result is one training run of the check.
type Result struct {
	Backend string  // Backend configuration, as given.
	Net     string  // "teacher" or "student".
	Devices int     // Devices it trained on.
	Steps   int     // Steps run.
	StepMS  float64 // Median milliseconds per step.
	Wall    time.Duration
	Dice    float64 // Mean Dice of the gland on the held-out slices.
}

// CheckTraining trains the default teacher, then the default student distilled from it, on phantom data on the
// backend named by config, and, when opts.CompareSteps > 0, again for a few steps on the Go backend; it prints a
// table of the results of each backend as soon as it has them.
func CheckTraining(out io.Writer, config string, opts Options) error {
	_, err := RunTraining(out, config, opts)
	return err
}

// RunTraining is CheckTraining, returning the results.
func RunTraining(out io.Writer, config string, opts Options) ([]Result, error) {
	if opts.Steps <= 0 || opts.Batch <= 0 || opts.Size <= 0 {
		return nil, fmt.Errorf("training check: steps %d, batch %d and size %d must be > 0", opts.Steps, opts.Batch, opts.Size)
	}
	samples, err := phantom.New().Sites(opts.Sites).CasesPerSite(opts.CasesPerSite).
		SlicesPerCase(opts.SlicesPerCase).Size(opts.Size).Seed(1).Generate()
	if err != nil {
		return nil, fmt.Errorf("training check: phantom data: %w", err)
	}
	split, err := datasets.SplitByCase(samples, 0, 1.0/3, 1)
	if err != nil {
		return nil, fmt.Errorf("training check: %w", err)
	}
	runs := []struct {
		config         string
		steps, devices int
	}{{config, opts.Steps, opts.Devices}}
	if opts.CompareSteps > 0 && config != backend.Default {
		runs = append(runs, struct {
			config         string
			steps, devices int
		}{backend.Default, opts.CompareSteps, 1})
	}
	var results []Result
	for _, r := range runs {
		b, err := backend.New(r.config)
		if err != nil {
			return results, err
		}
		pair, err := trainPair(b, r.config, split, opts.Batch, r.steps, r.devices)
		b.Finalize()
		results = append(results, pair...)
		// Printed backend by backend: a later run that hangs (and is killed) leaves the earlier figures.
		PrintResults(out, pair)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// trainPair trains a teacher and a student distilled from it on b and measures them.
func trainPair(b compute.Backend, config string, split datasets.Split, batchSize, steps, devices int) ([]Result, error) {
	var results []Result
	var teacher *inference.Model
	for k, net := range []struct {
		name string
		cfg  *nets.Config
	}{{"teacher", nets.Teacher()}, {"student", nets.Student()}} {
		data, err := batch.New(net.name, split.Train).BatchSize(batchSize).Seed(uint64(k + 1)).Infinite(true).
			Augment(batch.DefaultAugmentation).Done()
		if err != nil {
			return results, fmt.Errorf("training check: %s data: %w", net.name, err)
		}
		job := train.Job{Name: net.name, Net: net.cfg, Data: data, Steps: steps, Seed: int64(k + 1), Devices: devices}
		if teacher != nil {
			job.Teachers = []*inference.Model{teacher}
		}
		trained, history, err := train.Run(b, job)
		if err != nil {
			return results, fmt.Errorf("training check on %s: %w", config, err)
		}
		dice, err := meanDice(b, trained, split.Test, batchSize)
		if err != nil {
			return results, fmt.Errorf("training check on %s: %w", config, err)
		}
		used := devices
		if used == train.AllDevices {
			used = b.NumDevices()
		}
		results = append(results, Result{Backend: config, Net: net.name, Devices: max(used, 1), Steps: steps,
			StepMS: history.StepMS, Wall: history.Wall, Dice: dice})
		teacher = trained
	}
	return results, nil
}

// meanDice is the mean Dice of the gland (class 1) of m's predictions over samples.
func meanDice(b compute.Backend, m *inference.Model, samples []datasets.Sample, batchSize int) (float64, error) {
	predictor, err := m.NewPredictor(b)
	if err != nil {
		return 0, err
	}
	predictions, err := predictor.Predict(samples, batchSize)
	if err != nil {
		return 0, err
	}
	total := 0.0
	for i, s := range samples {
		c, err := metrics.CountLabels(predictions[i], s.Mask, 1)
		if err != nil {
			return 0, err
		}
		total += c.Dice()
	}
	return total / float64(max(len(samples), 1)), nil
}

// PrintResults writes the results as a table.
func PrintResults(out io.Writer, results []Result) {
	table := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprintln(table, "backend\tnet\tdevices\tsteps\tms/step\twall s\tDice\t")
	for _, r := range results {
		_, _ = fmt.Fprintf(table, "%s\t%s\t%d\t%d\t%.1f\t%.1f\t%.3f\t\n", r.Backend, r.Net, r.Devices, r.Steps,
			r.StepMS, r.Wall.Seconds(), r.Dice)
	}
	_ = table.Flush()
}
