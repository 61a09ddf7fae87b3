package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/train"
	"github.com/gomlx/compute"
)

// runExperiment is `gokd experiment`: the flagship experiment (package experiment) with the embedded defaults or a
// JSON configuration; it prints the models, the Dice per site and the students' comparison over seeds.
func runExperiment(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd experiment", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "JSON experiment configuration read over the embedded defaults, or the name of a committed one (configs/: e.g. protocol_promise12)")
	protocol := flags.Bool("protocol", false, "the reproduction protocol at notebook scale: short for -config "+experiment.NotebookProtocol)
	cacheDir := flags.String("cache", ".gokd-cache", "folder where trained models are cached")
	parallel := flags.Int("parallel", 0, "models trained at once (0: one per CPU core on the Go backend, else 1)")
	printConfig := flags.Bool("print-config", false, "print the configuration as JSON and exit")
	over := overrideFlags(flags)
	tasks := taskFlags(flags)
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd experiment [-config cfg.json] [-protocol] [-fold N] [-data DIR] [-cache DIR] "+
			"[-parallel N] [-print-config] [-plan [-json] | -task ID]\n\nTrains and compares teachers and students. The configuration is "+
			"validated, its memory estimated, before anything runs\n(exit 4 when it cannot run, 3 when -config is "+
			"missing).\n\nflags:\n")
		flags.PrintDefaults()
	}
	if code, done := parseFlags(flags, args, false); done {
		return code
	}
	var err error
	if tasks.asked() {
		err = experimentTasks(stdout, *configPath, *cacheDir, *protocol, over, tasks)
	} else {
		err = experimentRun(stdout, *configPath, *cacheDir, *parallel, *printConfig, *protocol, over, false)
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd experiment:", err)
	}
	return exitCode(err)
}

// readConfig reads the configuration that -config names (experiment.LoadConfig: a file, or a committed
// configuration by name; "": experiment.Default), applies the overrides, then adjust when not nil, and validates
// the result (experiment.Config.Validate: every field, and the memory estimate), its error carrying the exit code.
func readConfig(configPath string, over overrides, adjust func(*experiment.Config)) (experiment.Config, error) {
	config := experiment.Default()
	if configPath != "" {
		var err error
		if config, err = experiment.LoadConfig(configPath); errors.Is(err, fs.ErrNotExist) {
			return config, fail(exitMissing, err)
		} else if err != nil {
			return config, fail(exitFormat, err)
		}
	}
	if err := over.apply(&config); err != nil {
		return config, fail(exitUsage, err)
	}
	if adjust != nil {
		adjust(&config)
	}
	if err := config.Validate(); err != nil {
		return config, fail(exitFormat, err)
	}
	return config, nil
}

// overrides are the flags of `gokd experiment` and `gokd export` that change one field of the configuration
// read from -config.
type overrides struct {
	fold *int    // Data.Fold, when ≥ 0.
	data *string // Data.Path, when set.
}

// overrideFlags defines the overrides' flags.
func overrideFlags(flags *flag.FlagSet) overrides {
	return overrides{
		fold: flags.Int("fold", -1, "test fold of a k-fold configuration (Data.Folds > 0), 0 … Folds-1, overriding "+
			"Data.Fold: each fold is a job of its own, e.g. -config configs/protocol_gpu.json -fold 2"),
		data: flags.String("data", "", "multi-site prostate dataset folder (one folder per site), overriding Data.Path "+
			"of a configuration on real data: Data.Source \"folder\" (configs/protocol_gpu.json), or \"pair\" "+
			"(configs/real_case_smoke.json), which becomes \"folder\": the same run on the multi-site data instead "+
			"of the one shared case"),
	}
}

// apply sets the fields of config that the flags override. -data on a configuration of the synthetic phantom is
// an error: the phantom has no folder, and ignoring the flag would run something else than asked.
func (o overrides) apply(config *experiment.Config) error {
	if *o.fold >= 0 {
		config.Data.Fold = *o.fold
	}
	if *o.data != "" {
		switch config.Data.Source {
		case experiment.SourceFolder, experiment.SourcePair:
			config.Data.Source, config.Data.Path, config.Data.MaskPath = experiment.SourceFolder, *o.data, ""
		default:
			return fmt.Errorf("-data %s: the configuration's Data.Source is %q, the synthetic phantom; -data replaces "+
				"real data (Data.Source %q or %q)", *o.data, config.Data.Source, experiment.SourceFolder, experiment.SourcePair)
		}
	}
	return nil
}

// experimentRun runs the experiment and prints its report; with reloadOnly it trains nothing (the report task of
// a plan: every model is in the cache).
func experimentRun(stdout io.Writer, configPath, cacheDir string, parallel int, printConfig, protocol bool, over overrides, reloadOnly bool) error {
	config, err := experimentConfig(configPath, protocol, over)
	if err != nil {
		return err
	}
	if printConfig {
		blob, err := json.MarshalIndent(config, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(blob))
		return err
	}
	b, err := backend.FromEnv()
	if err != nil {
		return err
	}
	open := runnerOpener(stdout, b, cacheDir, parallel, reloadOnly)
	if config.Data.Folds >= 2 && *over.fold < 0 { // Every fold, pooled.
		cv, err := experiment.RunFolds(config, open)
		if err != nil {
			return err
		}
		if err := printExperimentReport(stdout, cv.Report(), cv.Comparison); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "wall time %.0f s\n", cv.WallS)
		return err
	}
	r, err := open(config)
	if err != nil {
		return err
	}
	res, err := r.Run()
	if err != nil {
		return err
	}
	if err := printExperimentReport(stdout, res.Report(), res.Comparison); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wall time %.0f s\n", res.WallS)
	return err
}

// runnerOpener returns the function that opens the experiment's Runner of a configuration (one per fold): models
// cached in cacheDir, a line per model and its training progress on stdout.
func runnerOpener(stdout io.Writer, b compute.Backend, cacheDir string, parallel int, reloadOnly bool) func(experiment.Config) (*experiment.Runner, error) {
	return func(config experiment.Config) (*experiment.Runner, error) {
		r, err := experiment.New(b, config, cacheDir)
		if err != nil {
			return nil, err
		}
		r.Log, r.Parallel, r.ReloadOnly = stdout, parallel, reloadOnly
		r.Progress = func(name string) (func(train.Progress), func()) {
			return func(p train.Progress) {
				_, _ = fmt.Fprintf(stdout, "  %s step %d/%d loss %.3f dice %.3f (%.0f s)\n", p.Job, p.Step, p.Steps,
					p.Metrics["loss"], p.Metrics["dice"], p.Elapsed.Seconds())
			}, func() {}
		}
		return r, nil
	}
}

// experimentConfig reads the configuration of `gokd experiment`: -config's (-protocol is short for -config
// protocol_notebook), with the overrides.
func experimentConfig(configPath string, protocol bool, over overrides) (experiment.Config, error) {
	if protocol {
		if configPath != "" {
			return experiment.Config{}, fail(exitUsage, fmt.Errorf("-protocol is short for -config %s: give one of them", experiment.NotebookProtocol))
		}
		configPath = experiment.NotebookProtocol
	}
	return readConfig(configPath, over, nil)
}

// printExperimentReport writes a report's sections, then the verdict.
func printExperimentReport(stdout io.Writer, sections []experiment.Section, c *experiment.Comparison) error {
	for _, section := range sections {
		if _, err := fmt.Fprintf(stdout, "\n%s\n%s", section.Title, section.Table); err != nil {
			return err
		}
	}
	if c == nil {
		return nil
	}
	_, err := fmt.Fprintf(stdout, "\nverdict: %s\n", c.Explain())
	return err
}
