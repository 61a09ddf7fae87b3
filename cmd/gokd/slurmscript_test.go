package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
)

// writeSlurmConfig writes slurmConfig to a temporary file and returns its path.
func writeSlurmConfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	blob, _ := json.Marshal(slurmConfig())
	if err := os.WriteFile(path, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSlurmScripts checks the sbatch scripts of each stage (job array, resources, placement) and the submission
// order: each stage after the stages it needs, by their job ids (a fake sbatch records its arguments).
func TestSlurmScripts(t *testing.T) {
	configPath := writeSlurmConfig(t)
	tests := []struct {
		name     string
		backend  string
		args     []string
		want     []string // In every stage's script.
		wantNot  []string
		throttle string // Of the job arrays.
	}{
		{name: "defaults on the Go backend", backend: "go",
			want:    []string{"#SBATCH --cpus-per-task=2", "#SBATCH --mem=2048M", "#SBATCH --requeue", "export GOMLX_BACKEND=go"},
			wantNot: []string{"--gres", "--partition", "--account", "--time"}},
		{name: "a GPU cluster", backend: "xla:cuda",
			args: []string{"-partition", "gpu", "-account", "lab", "-time", "2:00:00", "-cpus", "4", "-mem", "16000", "-max-running", "8"},
			want: []string{"#SBATCH --gres=gpu:1", "#SBATCH --partition=gpu", "#SBATCH --account=lab", "#SBATCH --time=2:00:00",
				"#SBATCH --cpus-per-task=4", "#SBATCH --mem=16000M", "export GOMLX_BACKEND=xla:cuda"}, throttle: "%8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(backend.EnvBackend, tt.backend)
			cache := t.TempDir()
			fake := filepath.Join(t.TempDir(), "sbatch")
			calls := fake + ".calls"
			script := "#!/bin/bash\necho \"$@\" >> " + calls + "\nn=$(wc -l < " + calls + ")\necho $((100 + n))\n"
			if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"slurm", "-config", configPath, "-cache", cache, "-submit", "-sbatch", fake}, tt.args...)
			if code := dispatch(args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			noFold, noData := -1, ""
			config, _ := experimentConfig(configPath, false, overrides{fold: &noFold, data: &noData})
			plan, err := experiment.NewPlan(config, true)
			if err != nil {
				t.Fatal(err)
			}
			blob, _ := os.ReadFile(calls)
			submitted := strings.Split(strings.TrimSpace(string(blob)), "\n")
			if len(submitted) != len(plan.Stages) {
				t.Fatalf("%d sbatch calls, want one per stage (%d):\n%s", len(submitted), len(plan.Stages), blob)
			}
			jobOf := map[experiment.Stage]int{}
			for i, s := range plan.Stages {
				jobOf[s.Stage] = 101 + i
				path := filepath.Join(cache, "slurm", filepath.Base(regexp.MustCompile(`\S+\.sbatch`).FindString(submitted[i])))
				text, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("stage %s: %v", s.Stage, err)
				}
				for _, w := range append(tt.want, "#SBATCH --array=0-"+strconv.Itoa(len(s.Tasks)-1)+tt.throttle+"\n", s.Tasks[0].ID) {
					if !strings.Contains(string(text), w) {
						t.Errorf("stage %s's script lacks %q:\n%s", s.Stage, w, text)
					}
				}
				for _, w := range tt.wantNot {
					if strings.Contains(string(text), w) {
						t.Errorf("stage %s's script holds %q", s.Stage, w)
					}
				}
				dependency := ""
				for j, n := range s.Needs {
					if j == 0 {
						dependency = "--dependency=afterok:"
					} else {
						dependency += ":"
					}
					dependency += strconv.Itoa(jobOf[n])
				}
				if got := regexp.MustCompile(`--dependency=\S+`).FindString(submitted[i]); got != dependency {
					t.Errorf("stage %s submitted with %q, want %q", s.Stage, got, dependency)
				}
				if !strings.Contains(stdout.String(), string(s.Stage)+": job "+strconv.Itoa(jobOf[s.Stage])) {
					t.Errorf("stage %s's job id not printed:\n%s", s.Stage, stdout.String())
				}
			}
		})
	}
}

// TestTaskFlags: -plan -json lists the trainings; -task refuses an unknown id (exit 2) and a task whose inputs
// are not cached (exit 3), training nothing.
func TestTaskFlags(t *testing.T) {
	t.Setenv(backend.EnvBackend, "go")
	configPath := writeSlurmConfig(t)
	cache := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"experiment", "-config", configPath, "-plan", "-json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-plan -json: exit %d: %s", code, stderr.String())
	}
	var plan planJSON
	if err := json.Unmarshal(stdout.Bytes(), &plan); err != nil || plan.Trainings != 18 {
		t.Fatalf("-plan -json: %d trainings (%v), want 18", plan.Trainings, err)
	}
	student := plan.Stages[len(plan.Stages)-2].Tasks[0].ID
	tests := []struct {
		task string
		want int
	}{
		{"no-such-task-0123456789abcdef", exitUsage},
		{student, exitMissing},
	}
	for _, tt := range tests {
		stderr.Reset()
		if code := dispatch([]string{"experiment", "-config", configPath, "-cache", cache, "-task", tt.task}, &stdout, &stderr); code != tt.want {
			t.Errorf("-task %s: exit %d, want %d: %s", tt.task, code, tt.want, stderr.String())
		}
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("the refused tasks left %d entries in the cache", len(entries))
	}
}
