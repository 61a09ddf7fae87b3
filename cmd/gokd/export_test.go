package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/deploy"
	"github.com/gokd/gokd/kd/experiment"
)

// TestExportCommand trains (a few steps) and exports a student of a tiny phantom experiment, reads it with
// gokd info, refuses to overwrite it, and refuses a missing -image.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	config := experiment.Default()
	config.Data = experiment.DataConfig{Source: "phantom", Size: 32, Sites: 2, CasesPerSite: 4, SlicesPerCase: 4,
		SiteShift: 1, Seed: 3, TestFraction: 0.25}
	config.Teacher = experiment.NetSpec{Levels: 2, BaseWidth: 4}
	config.Student = experiment.NetSpec{Levels: 2, BaseWidth: 2, Separable: true, Stem: 2}
	config.Train.BatchSize = 4
	blob, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	configPath, out := filepath.Join(dir, "cfg.json"), filepath.Join(dir, "student.gokd")
	if err := os.WriteFile(configPath, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"export", "-backend", "go", "-config", configPath, "-cache", filepath.Join(dir, "cache"),
		"-model", "student_scratch-s1", "-steps", "2", "-out", out}
	code, stdout, stderr := run(args...)
	if code != 0 || !strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	d, err := deploy.ReadDescription(out)
	if err != nil || d.Provenance.Steps != 2 || d.Parameters == 0 || d.Preprocessing.Size != 32 {
		t.Errorf("exported %+v, %v", d, err)
	}
	if code, _, stderr := run(args...); code != exitExists || !strings.Contains(stderr, "-force") {
		t.Errorf("second export: exit %d, %s", code, stderr)
	}
	code, _, stderr = run("export", "-image", filepath.Join(dir, "absent.nii.gz"), "-mask", out, "-out",
		filepath.Join(dir, "x.gokd"))
	if code != exitMissing {
		t.Errorf("missing -image: exit %d, %s", code, stderr)
	}
	if code, _, _ := run("export", "-image", "x.nii"); code != exitUsage {
		t.Errorf("-image without -mask or -out: exit %d", code)
	}
}
