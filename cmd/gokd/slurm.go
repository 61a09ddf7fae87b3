package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
)

// slurmOptions are the flags of `gokd slurm`.
type slurmOptions struct {
	configPath, cacheDir, outDir, gokd string
	protocol, submit                   bool
	over                               overrides
	// Resources and placement of every task.
	partition, account, timeLimit string
	cpus, memMB, gpus, maxRunning int
	// backendConfig is the backend every task runs on ($GOMLX_BACKEND in the scripts): the one in force here.
	backendConfig string
	sbatch        string // The sbatch command (-sbatch: a path, for tests or clusters that wrap it).
}

// runSlurm is `gokd slurm`: one sbatch script per stage of the experiment's plan, each a job array of its tasks,
// submitted with -submit, each stage after the stages it needs (--dependency=afterok).
func runSlurm(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd slurm", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var o slurmOptions
	flags.StringVar(&o.configPath, "config", "", "JSON experiment configuration, as for gokd experiment")
	flags.BoolVar(&o.protocol, "protocol", false, "start from the reproduction protocol, as for gokd experiment")
	flags.StringVar(&o.cacheDir, "cache", "", "the shared cache folder every task reads and writes: a POSIX file system "+
		"that every node mounts at this path, with atomic rename (NFS, Lustre, BeeGFS)")
	flags.StringVar(&o.outDir, "out", "", "folder of the scripts and the tasks' logs (default <cache>/slurm)")
	flags.StringVar(&o.gokd, "gokd", "", "path of the gokd binary on the nodes (default this one)")
	flags.BoolVar(&o.submit, "submit", false, "submit the stages with sbatch, each after the ones it needs, and print the job ids")
	flags.StringVar(&o.partition, "partition", "", "Slurm partition (--partition)")
	flags.StringVar(&o.account, "account", "", "Slurm account (--account)")
	flags.StringVar(&o.timeLimit, "time", "", "time limit of each task (--time, e.g. 4:00:00; default the partition's)")
	flags.IntVar(&o.cpus, "cpus", 2, "CPU cores per task (--cpus-per-task)")
	flags.IntVar(&o.memMB, "mem", 0, "memory per task in MiB (--mem; 0: from the configuration's memory estimate)")
	flags.IntVar(&o.gpus, "gpus", -1, "GPUs per task (--gres=gpu:N; -1: 1 when the backend is xla:cuda, else 0)")
	flags.IntVar(&o.maxRunning, "max-running", 0, "tasks of one stage running at once (--array=…%N; 0: no limit)")
	flags.StringVar(&o.sbatch, "sbatch", "sbatch", "the sbatch command")
	o.over = overrideFlags(flags)
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd slurm -config cfg.json -cache /shared/dir [-fold N] [-data DIR] [-out DIR] "+
			"[-submit] [-partition P] [-account A] [-time T] [-cpus N] [-mem MiB] [-gpus N]\n\nWrites one sbatch script "+
			"per stage of the experiment (gokd experiment -plan): a job array of its tasks, each running\n"+
			"gokd experiment -task ID into the shared cache. With -submit, submits them, each stage with\n"+
			"--dependency=afterok on the stages it needs, and prints the job ids.\n\nflags:\n")
		flags.PrintDefaults()
	}
	if code, done := parseFlags(flags, args, false); done {
		return code
	}
	o.backendConfig = backend.Config()
	err := slurm(stdout, o)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd slurm:", err)
	}
	return exitCode(err)
}

// slurm writes the scripts and, with -submit, submits them.
func slurm(stdout io.Writer, o slurmOptions) error {
	if o.cacheDir == "" {
		return failf(exitUsage, "-cache is required: the folder shared by every node")
	}
	config, err := experimentConfig(o.configPath, o.protocol, o.over)
	if err != nil {
		return err
	}
	plan, err := experiment.NewPlan(config, *o.over.fold < 0)
	if err != nil {
		return err
	}
	if err := o.resolve(config); err != nil {
		return err
	}
	scripts, err := o.writeScripts(plan)
	if err != nil {
		return err
	}
	if !o.submit {
		for _, s := range scripts {
			if _, err := fmt.Fprintf(stdout, "%s: %d tasks (%s)\n", s.stage.Stage, len(s.stage.Tasks), s.path); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(stdout, "submit them in order with %s\n", filepath.Join(o.outDir, "submit.sh"))
		return err
	}
	return o.submitAll(stdout, scripts)
}

// resolve makes the paths absolute (the tasks run elsewhere) and fills the defaults.
func (o *slurmOptions) resolve(config experiment.Config) error {
	var err error
	if o.cacheDir, err = filepath.Abs(o.cacheDir); err != nil {
		return err
	}
	if o.outDir == "" {
		o.outDir = filepath.Join(o.cacheDir, "slurm")
	}
	if o.outDir, err = filepath.Abs(o.outDir); err != nil {
		return err
	}
	if o.configPath != "" {
		if o.configPath, err = filepath.Abs(o.configPath); err != nil {
			return err
		}
	}
	if *o.over.data != "" {
		abs, err := filepath.Abs(*o.over.data)
		if err != nil {
			return err
		}
		o.over.data = &abs
	}
	if o.gokd == "" {
		if o.gokd, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this gokd binary (give -gokd): %w", err)
		}
	}
	if o.memMB == 0 {
		o.memMB = taskMemoryMB(config)
	}
	if o.gpus < 0 {
		o.gpus = 0
		if strings.HasPrefix(o.backendConfig, "xla:cuda") {
			o.gpus = 1
		}
	}
	if o.cpus < 1 {
		return failf(exitUsage, "-cpus %d: want at least 1", o.cpus)
	}
	return nil
}

// taskMemoryMB is a task's memory request: twice the configuration's estimate of the data and a training step,
// plus a GiB for the runtime and the compiled programs, at least 2 GiB.
func taskMemoryMB(c experiment.Config) int {
	e := c.MemoryEstimate()
	return max(2048, int(math.Ceil((2*(e.Data+e.Step)+(1<<30))/(1<<20))))
}

// stageScript is one stage's sbatch script.
type stageScript struct {
	stage experiment.PlanStage
	path  string
}

// writeScripts writes one sbatch script per stage into outDir, and submit.sh, which submits them in order.
func (o *slurmOptions) writeScripts(plan *experiment.Plan) ([]stageScript, error) {
	if err := os.MkdirAll(filepath.Join(o.outDir, "logs"), 0o755); err != nil {
		return nil, fmt.Errorf("creating the scripts' folder: %w", err)
	}
	var scripts []stageScript
	var submit strings.Builder
	submit.WriteString("#!/bin/bash\n# Submits every stage of the experiment, each after the stages it needs (written by gokd slurm).\nset -euo pipefail\n")
	for i, stage := range plan.Stages {
		path := filepath.Join(o.outDir, fmt.Sprintf("%02d-%s.sbatch", i+1, stage.Stage))
		if err := os.WriteFile(path, []byte(o.script(stage)), 0o755); err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		scripts = append(scripts, stageScript{stage: stage, path: path})
		fmt.Fprintf(&submit, "%s=$(%s --parsable%s %s)\necho \"%s: job ${%s}\"\n", stage.Stage, o.sbatch,
			dependencyShell(stage.Needs), shellQuote(path), stage.Stage, stage.Stage)
	}
	path := filepath.Join(o.outDir, "submit.sh")
	if err := os.WriteFile(path, []byte(submit.String()), 0o755); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return scripts, nil
}

// dependencyShell is submit.sh's --dependency option on the jobs of the stages needed (shell variables).
func dependencyShell(needs []experiment.Stage) string {
	if len(needs) == 0 {
		return ""
	}
	ids := make([]string, len(needs))
	for i, n := range needs {
		ids[i] = "${" + string(n) + "}"
	}
	return " --dependency=afterok:" + strings.Join(ids, ":")
}

// script is a stage's sbatch script: a job array, task i running the stage's i-th task.
func (o *slurmOptions) script(stage experiment.PlanStage) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# Stage %s of the experiment: %d tasks, about %.3g TFLOPs (written by gokd slurm).\n", stage.Stage,
		len(stage.Tasks), stage.TFLOPs)
	directive := func(format string, args ...any) { fmt.Fprintf(&b, "#SBATCH "+format+"\n", args...) }
	directive("--job-name=gokd-%s", stage.Stage)
	array := fmt.Sprintf("0-%d", len(stage.Tasks)-1)
	if o.maxRunning > 0 {
		array += "%" + strconv.Itoa(o.maxRunning)
	}
	directive("--array=%s", array)
	directive("--ntasks=1")
	directive("--cpus-per-task=%d", o.cpus)
	directive("--mem=%dM", o.memMB)
	if o.gpus > 0 {
		directive("--gres=gpu:%d", o.gpus)
	}
	for _, d := range [][2]string{{"partition", o.partition}, {"account", o.account}, {"time", o.timeLimit}} {
		if d[1] != "" {
			directive("--%s=%s", d[0], d[1])
		}
	}
	if wd, err := os.Getwd(); err == nil {
		directive("--chdir=%s", wd) // Where the backend's plugins are found (.pjrt), as here.
	}
	directive("--output=%s", filepath.Join(o.outDir, "logs", string(stage.Stage)+"-%A_%a.out"))
	directive("--requeue") // A task preempted or lost with its node runs again: the cache resumes it.
	b.WriteString("set -euo pipefail\n")
	fmt.Fprintf(&b, "export %s=%s GOMLX_NO_AUTO_INSTALL=1\n", backend.EnvBackend, shellQuote(o.backendConfig))
	if v := os.Getenv(backend.PluginPathEnv); v != "" {
		fmt.Fprintf(&b, "export %s=%s\n", backend.PluginPathEnv, shellQuote(v))
	}
	b.WriteString("tasks=(\n")
	for _, t := range stage.Tasks {
		fmt.Fprintf(&b, "  %s # fold %d, %s\n", t.ID, t.Fold, t.Name)
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "exec %s -task \"${tasks[$SLURM_ARRAY_TASK_ID]}\"\n", strings.Join(o.experimentArgs(), " "))
	return b.String()
}

// experimentArgs is the gokd experiment command line of a task, but its -task flag: the same configuration and
// overrides as the plan's, so that the task ids match.
func (o *slurmOptions) experimentArgs() []string {
	args := []string{shellQuote(o.gokd), "experiment", "-cache", shellQuote(o.cacheDir)}
	if o.configPath != "" {
		args = append(args, "-config", shellQuote(o.configPath))
	}
	if o.protocol {
		args = append(args, "-protocol")
	}
	if *o.over.fold >= 0 {
		args = append(args, "-fold", strconv.Itoa(*o.over.fold))
	}
	if *o.over.data != "" {
		args = append(args, "-data", shellQuote(*o.over.data))
	}
	return args
}

// submitAll submits the stages in order, each with --dependency=afterok on the jobs of the stages it needs, and
// prints each stage's job id.
func (o *slurmOptions) submitAll(stdout io.Writer, scripts []stageScript) error {
	jobs := map[experiment.Stage]string{}
	for _, s := range scripts {
		args := []string{"--parsable"}
		if len(s.stage.Needs) > 0 {
			ids := make([]string, len(s.stage.Needs))
			for i, n := range s.stage.Needs {
				ids[i] = jobs[n]
			}
			args = append(args, "--dependency=afterok:"+strings.Join(ids, ":"))
		}
		cmd := exec.Command(o.sbatch, append(args, s.path)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("submitting stage %s (%s %s): %w: %s", s.stage.Stage, o.sbatch, strings.Join(cmd.Args[1:], " "), err,
				strings.TrimSpace(errOut.String()))
		}
		id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";") // --parsable: "id" or "id;cluster".
		jobs[s.stage.Stage] = id
		if _, err := fmt.Fprintf(stdout, "%s: job %s (%d tasks)\n", s.stage.Stage, id, len(s.stage.Tasks)); err != nil {
			return err
		}
	}
	return nil
}

// shellQuote quotes s for bash when it holds anything but safe characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:,=+@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
