package train

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gokd/gokd/kd/ckpt"
)

func TestCheckpointAndResume(t *testing.T) {
	backend := newBackend(t)
	samples := toySamples(16, 4)
	dir := filepath.Join(t.TempDir(), "run")
	job := Job{Name: "resumable", Net: toyNet(4), Data: toyData(t, samples, 1), Steps: 6, Seed: 1,
		CheckpointDir: dir, CheckpointEvery: 4, ProgressEvery: 1}
	if _, _, err := Run(backend, job); err != nil {
		t.Fatal(err)
	}
	meta, err := ckpt.ReadMetadata(dir)
	if err != nil || meta.Step != 6 {
		t.Fatalf("checkpoint after 6 steps: step %d, err %v", meta.Step, err)
	}
	// Asking for more steps resumes at step 7.
	job.Steps, job.Data = 9, toyData(t, samples, 2)
	var first int
	job.Progress = func(p Progress) {
		if first == 0 {
			first = p.Step
		}
	}
	if _, _, err := Run(backend, job); err != nil {
		t.Fatal(err)
	}
	if first != 7 {
		t.Fatalf("resumed run reported step %d first, want 7", first)
	}
	// A checkpoint of another architecture is refused, not silently mixed.
	job.Net, job.Steps = toyNet(8), 12
	if _, _, err := Run(backend, job); err == nil {
		t.Fatal("resuming a narrower network's checkpoint into a wider one succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) == 0 {
		t.Fatal("checkpoint folder emptied")
	}
}
