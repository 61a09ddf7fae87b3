package kernelext

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/experiment"
)

// tinyConfig is an experiment that trains its teacher in about a second.
func tinyConfig() experiment.Config {
	c := experiment.Default()
	c.Data = experiment.DataConfig{Source: "phantom", Size: 32, Sites: 2, CasesPerSite: 4, SlicesPerCase: 4,
		SiteShift: 1, Seed: 3, TestFraction: 0.25}
	c.Teacher = experiment.NetSpec{Levels: 2, BaseWidth: 4}
	c.Student = experiment.NetSpec{Levels: 2, BaseWidth: 2, Separable: true, Stem: 2}
	c.Train.TeacherSteps, c.Train.SiteTeacherSteps, c.Train.StudentSteps, c.Train.BatchSize = 3, 2, 2, 4
	c.StudentCasesPerSite = 1
	c.Seeds = []int64{1}
	return c
}

// cellOutput returns what f prints on the standard output (a notebook cell's output).
func cellOutput(t *testing.T, f func()) string {
	t.Helper()
	read, write, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = write
	done := make(chan string)
	go func() {
		blob, _ := io.ReadAll(read)
		done <- string(blob)
	}()
	defer func() { os.Stdout = saved }()
	f()
	os.Stdout = saved
	_ = write.Close()
	return <-done
}

// TestNotebookRunnerSaysReloaded checks that a notebook's runner prints one line for a model reloaded from the
// cache, naming how it was trained and its cache key: a re-run cell is never silently served from the cache.
func TestNotebookRunnerSaysReloaded(t *testing.T) {
	t.Chdir(t.TempDir()) // Outside a notebook the progress display leaves its curves in out/.
	t.Setenv(EnvCacheDir, t.TempDir())
	t.Setenv("GOMLX_BACKEND", "go")
	var key string
	first := cellOutput(t, func() { key = Must1(NewExperiment(tinyConfig()).Teacher()).Key })
	if !strings.Contains(first, "teacher") || !strings.Contains(first, "trained in") {
		t.Errorf("first run's output lacks the teacher's training line:\n%s", first)
	}
	again := cellOutput(t, func() { Must1(NewExperiment(tinyConfig()).Teacher()) })
	want := "reloaded from cache (trained for "
	if strings.Count(again, want) != 1 || !strings.Contains(again, "key "+key+")") || strings.Contains(again, "trained in") {
		t.Errorf("re-run's output:\n%s\nwant one line with %q and key %s, and no training", again, want, key)
	}
}
