package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
)

// taskOptions are the flags of `gokd experiment` that split the experiment into tasks (experiment.Plan).
type taskOptions struct {
	plan   *bool
	asJSON *bool
	task   *string
}

// taskFlags defines the task flags.
func taskFlags(flags *flag.FlagSet) taskOptions {
	return taskOptions{
		plan: flags.Bool("plan", false, "print the experiment as stages of independent tasks (id, fold, model, "+
			"estimated TFLOPs, tasks needed) and exit; every fold's with Data.Folds ≥ 2 and no -fold"),
		asJSON: flags.Bool("json", false, "with -plan: print the plan as JSON"),
		task: flags.String("task", "", "run one task of the plan (its id from -plan) into -cache and nothing else; "+
			"its inputs must be in the cache already (exit 3 when they are not)"),
	}
}

// asked reports whether a task flag was given.
func (o taskOptions) asked() bool { return *o.plan || *o.task != "" }

// planJSON is the plan as -plan -json prints it.
type planJSON struct {
	AllFolds  bool
	Trainings int
	Stages    []experiment.PlanStage
}

// experimentTasks prints the plan (-plan) or runs one task of it (-task).
func experimentTasks(stdout io.Writer, configPath, cacheDir string, protocol bool, over overrides, o taskOptions) error {
	config, err := experimentConfig(configPath, protocol, over)
	if err != nil {
		return err
	}
	plan, err := experiment.NewPlan(config, *over.fold < 0)
	if err != nil {
		return err
	}
	if *o.plan {
		if !*o.asJSON {
			_, err := fmt.Fprint(stdout, plan)
			return err
		}
		blob, err := json.MarshalIndent(planJSON{AllFolds: plan.AllFolds, Trainings: plan.Trainings(), Stages: plan.Stages}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(blob))
		return err
	}
	task, err := plan.Task(*o.task)
	if err != nil {
		return fail(exitUsage, err)
	}
	if task.Stage == experiment.StageReport {
		return experimentRun(stdout, configPath, cacheDir, 0, false, protocol, over, true)
	}
	return runTask(stdout, config, cacheDir, task)
}

// runTask runs one training or precompute task of config's plan into cacheDir.
func runTask(stdout io.Writer, config experiment.Config, cacheDir string, task experiment.Task) error {
	if config.Data.Folds >= 2 {
		config.Data.Fold = task.Fold
	}
	b, err := backend.FromEnv()
	if err != nil {
		return err
	}
	r, err := runnerOpener(stdout, b, cacheDir, 0, false)(config)
	if err != nil {
		return err
	}
	record, hit, err := r.RunTask(task)
	if errors.Is(err, experiment.ErrNotCached) {
		return fail(exitMissing, fmt.Errorf("%w\nrun the tasks it needs first (gokd experiment -plan lists them): %v", err, task.Needs))
	}
	if err != nil {
		return err
	}
	verb := "done"
	if hit {
		verb = "already done (reloaded its record)"
	}
	_, err = fmt.Fprintf(stdout, "task %s (%s, stage %s, fold %d): %s %s\n", task.ID, task.Name, task.Stage, task.Fold, verb, record.Model)
	return err
}
