package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
)

// slurmConfig is a tiny phantom protocol with every stage of a plan: teachers (the well-trained one long enough
// to be cancelled while it trains, and short of a checkpoint: train.Job.CheckpointEvery's 50), the offline
// students' precompute, a tuning grid, students and the report.
func slurmConfig() experiment.Config {
	c := experiment.Default()
	c.Data = experiment.DataConfig{Source: experiment.SourcePhantom, Size: 32, Sites: 2, CasesPerSite: 6, SlicesPerCase: 4,
		SiteShift: 1, Seed: 3, ValFraction: 0.25, TestFraction: 0.25}
	c.Teacher = experiment.NetSpec{Levels: 2, BaseWidth: 8}
	c.Student = experiment.NetSpec{Levels: 2, BaseWidth: 2, Separable: true, Stem: 2}
	c.Train.TeacherSteps, c.Train.SiteTeacherSteps, c.Train.StudentSteps, c.Train.BatchSize = 45, 3, 3, 4
	c.Train.PrecomputeTeachers = true
	c.StudentCasesPerSite = 1
	c.Seeds = []int64{1}
	c.Tune = experiment.TuneSpec{LearningRates: []float64{1e-3, 1e-2}, Seed: 100}
	return c
}

// stageJobs are the job ids gokd slurm -submit printed, by stage.
type stageJobs map[experiment.Stage]string

var submittedLine = regexp.MustCompile(`(?m)^(\w+): job (\d+) \((\d+) tasks\)$`)

// TestSlurm runs a tiny phantom protocol on a one-node Slurm cluster that it starts itself, through
// gokd slurm -submit, into one shared cache, with the well-trained teacher's task cancelled (scancel) while it
// trains, then requeued, and the later stages, which Slurm will not start after a cancelled task, submitted
// again: every Dice and the verdict equal those of the same configuration run in one process, bit for bit on the
// same backend, each model was trained to its end once, and no lock, build folder or partial checkpoint is left.
// Then two workers started at once on one task of a fresh cache: exactly one trains. It runs on the pure-Go
// backend, which compiles nothing: on XLA's CPU plugin every task's process spends about 30 s compiling.
func TestSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("the Slurm test trains a protocol: not with -short")
	}
	t.Setenv(backend.EnvBackend, "go")
	cluster := startSlurm(t)
	start := time.Now()
	dir := t.TempDir()
	gokd := filepath.Join(dir, "gokd")
	if out, err := exec.Command("go", "build", "-o", gokd, ".").CombinedOutput(); err != nil {
		t.Fatalf("building gokd: %v\n%s", err, out)
	}
	configPath := filepath.Join(dir, "config.json")
	blob, _ := json.Marshal(slurmConfig())
	if err := os.WriteFile(configPath, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	noFold, noData := -1, ""
	config, err := experimentConfig(configPath, false, overrides{fold: &noFold, data: &noData})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := experiment.NewPlan(config, true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backend %s (%s), %d trainings in %d stages", b.String(), backend.Config(), plan.Trainings(), len(plan.Stages))

	oneStart := time.Now()
	one, err := experiment.New(b, config, filepath.Join(dir, "one-process"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := one.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one process: %.0f s", time.Since(oneStart).Seconds())

	slurmStart := time.Now()
	cache := filepath.Join(dir, "cache")
	jobs := submit(t, cluster, gokd, configPath, cache, len(plan.Stages))
	cancelled := cancelWhileTraining(t, cluster, cache, plan, jobs)
	jobs = submit(t, cluster, gokd, configPath, cache, len(plan.Stages))
	states := cluster.waitIdle(t, 15*time.Minute)
	if states[cancelled] != "COMPLETED" {
		t.Errorf("the requeued task %s ended %s", cancelled, states[cancelled])
	}
	for id, state := range states {
		array, _, _ := strings.Cut(id, "_")
		if slices.Contains(slices.Collect(maps.Values(jobs)), array) && state != "COMPLETED" {
			t.Errorf("job %s of the second submission ended %s", id, state)
		}
	}
	t.Logf("Slurm (%s cancelled while it trained, requeued, the later stages submitted again): %.0f s", cancelled,
		time.Since(slurmStart).Seconds())

	logs, _ := filepath.Glob(filepath.Join(cache, "slurm", "logs", "*.out"))
	var all strings.Builder
	for _, l := range logs {
		blob, _ := os.ReadFile(l)
		all.Write(blob)
	}
	if trained := strings.Count(all.String(), " trained in "); trained != plan.Trainings() {
		t.Errorf("the tasks' logs say %d trainings ended, want each of the plan's %d once", trained, plan.Trainings())
	}
	report, _ := os.ReadFile(filepath.Join(cache, "slurm", "logs", "report-"+jobs[experiment.StageReport]+"_0.out"))
	if verdict := "verdict: " + want.Comparison.Explain(); !bytes.Contains(report, []byte(verdict)) {
		t.Errorf("the report stage's output lacks the one-process run's %q:\n%s", verdict, report)
	}
	reload, err := experiment.New(b, config, cache)
	if err != nil {
		t.Fatal(err)
	}
	reload.ReloadOnly = true
	got, err := reload.Run()
	if err != nil {
		t.Fatal(err)
	}
	if diffs := got.ScoreDiff(want); len(diffs) > 0 {
		t.Errorf("the Slurm run's results differ from the one-process run's:\n%s", strings.Join(diffs, "\n"))
	}
	assertNoPartialEntries(t, cache)

	lockStart := time.Now()
	trainedBy := twoWorkersOneTask(t, cluster, gokd, configPath, filepath.Join(dir, "lock-cache"), plan.Stages[0].Tasks[0])
	t.Logf("lock: of two workers on %s, %s; %.0f s", plan.Stages[0].Tasks[0].Name, trainedBy, time.Since(lockStart).Seconds())
	t.Logf("the whole test: %.0f s", time.Since(start).Seconds())
}

// submit runs gokd slurm -submit and returns the job of each stage.
func submit(t *testing.T, cluster *slurmCluster, gokd, configPath, cache string, stages int) stageJobs {
	t.Helper()
	cmd := exec.Command(gokd, "slurm", "-config", configPath, "-cache", cache, "-cpus", "1", "-submit")
	cmd.Env = cluster.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gokd slurm -submit: %v\n%s", err, out)
	}
	jobs := stageJobs{}
	for _, m := range submittedLine.FindAllStringSubmatch(string(out), -1) {
		jobs[experiment.Stage(m[1])] = m[2]
	}
	if len(jobs) != stages {
		t.Fatalf("gokd slurm -submit printed %d stages' jobs, want %d:\n%s", len(jobs), stages, out)
	}
	return jobs
}

// cancelWhileTraining cancels the teachers stage's first task (the well-trained teacher) with scancel once its
// build has started, checks that it left no entry, then requeues it. Slurm never starts the later stages after a
// cancelled task of a stage they need (their afterok dependency fails: they are cancelled, or pending forever),
// so once the stages that can still run have ended, the ones left are cancelled, to be submitted again (done
// tasks then end at once). It returns the requeued task's job id.
func cancelWhileTraining(t *testing.T, cluster *slurmCluster, cache string, plan *experiment.Plan, jobs stageJobs) string {
	t.Helper()
	teacher := plan.Stages[0].Tasks[0]
	task := jobs[experiment.StageTeachers] + "_0"
	waitFor(t, 5*time.Minute, "the teacher's build to start", func() bool {
		found, _ := filepath.Glob(filepath.Join(cache, ".building-"+teacher.Name+"-*"))
		return len(found) > 0
	}, func() string { return cluster.must(t, "squeue") })
	cluster.must(t, "scancel", task)
	waitFor(t, time.Minute, "the cancelled task to end", func() bool { return cluster.jobStates(t)[task] == "CANCELLED" })
	if done, _ := filepath.Glob(filepath.Join(cache, teacher.Name+"-*", "config.json")); len(done) > 0 {
		t.Fatalf("the teacher's entry is in the cache: it ended before it was cancelled (%v)", done)
	}
	var left []string
	for _, pattern := range []string{".building-*", "*.lock", "*.partial"} {
		found, _ := filepath.Glob(filepath.Join(cache, pattern))
		for _, f := range found {
			left = append(left, filepath.Base(f))
		}
	}
	t.Logf("cancelled %s while it trained; the cache held %v", task, left)
	cluster.must(t, "scontrol", "requeue", task)
	cluster.must(t, "scontrol", "update", "JobId="+task, "StartTime=now") // A requeued job waits 2 minutes else.
	waitFor(t, 10*time.Minute, "the requeued task and every runnable job to end", func() bool {
		out, err := cluster.command("squeue", "-h", "-o", "%T %r")
		if err != nil || cluster.jobStates(t)[task] != "COMPLETED" {
			return false
		}
		for line := range strings.Lines(out) {
			if state, reason, _ := strings.Cut(strings.TrimSpace(line), " "); state != "PENDING" || !strings.HasPrefix(reason, "Dependency") {
				return false
			}
		}
		return true
	}, func() string { return cluster.must(t, "squeue", "-o", "%i %T %r") })
	if out := cluster.must(t, "squeue", "-h", "-o", "%A"); strings.TrimSpace(out) != "" {
		cluster.must(t, "scancel", strings.Fields(out)...)
	}
	return task
}

// assertNoPartialEntries checks that the cache holds no lock, build folder, partial checkpoint or temporary file.
func assertNoPartialEntries(t *testing.T, cache string) {
	t.Helper()
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".lock") || strings.HasSuffix(name, ".partial") ||
			strings.Contains(name, ".stale-") {
			t.Errorf("the cache holds %s", name)
		}
	}
}

// twoWorkersOneTask submits two jobs that run the same task at once into a fresh cache, and checks that exactly
// one trained it and the other waited for its result. It says which one trained.
func twoWorkersOneTask(t *testing.T, cluster *slurmCluster, gokd, configPath, cache string, task experiment.Task) string {
	t.Helper()
	var outputs, ids []string
	for i := range 2 {
		output := filepath.Join(cache+"-logs", "worker"+string(rune('1'+i))+".out")
		outputs = append(outputs, output)
		if err := os.MkdirAll(filepath.Dir(output), 0o755); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strings.TrimSpace(cluster.must(t, "sbatch", "--parsable", "--cpus-per-task=1", "--output="+output,
			"--wrap", strings.Join([]string{gokd, "experiment", "-config", configPath, "-cache", cache, "-task", task.ID}, " "))))
	}
	states := cluster.waitIdle(t, 10*time.Minute)
	for _, id := range ids {
		if states[id] != "COMPLETED" {
			t.Errorf("worker job %s ended %s", id, states[id])
		}
	}
	times := make([][2]string, len(ids)) // Each worker's start and end.
	for i, id := range ids {
		for _, f := range strings.Fields(cluster.must(t, "scontrol", "show", "job", "-o", id)) {
			if v, ok := strings.CutPrefix(f, "StartTime="); ok {
				times[i][0] = v
			} else if v, ok := strings.CutPrefix(f, "EndTime="); ok {
				times[i][1] = v
			}
		}
	}
	if times[0][0] > times[1][1] || times[1][0] > times[0][1] { // RFC 3339-like times: ordered as strings.
		t.Errorf("the two workers did not run at the same time: %v", times)
	}
	var trained []string
	for _, output := range outputs {
		blob, err := os.ReadFile(output)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case bytes.Contains(blob, []byte(" trained in ")):
			trained = append(trained, filepath.Base(output))
		case !bytes.Contains(blob, []byte("already done")):
			t.Errorf("%s neither trained nor reloaded the task:\n%s", output, blob)
		}
	}
	if len(trained) != 1 {
		t.Fatalf("%d workers trained %s (%v), want exactly one", len(trained), task.Name, trained)
	}
	slices.Sort(trained)
	return trained[0] + " trained, the other waited for its result"
}
