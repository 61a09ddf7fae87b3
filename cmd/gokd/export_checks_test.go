package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRefusesBadFlags: -steps and -size must be positive (before, 0 and negatives silently meant the
// configuration's), and an -image mostly NaN is refused, named, before any training (before: "batch loss is
// NaN"). Nothing is written.
func TestExportRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	image, mask := filepath.Join(dir, "img.nii"), filepath.Join(dir, "mask.nii")
	writeWithNaN(t, image, 16*16*4, 16, 16, 4)
	writeBlob(t, mask, 16, 16, 4)
	out := filepath.Join(dir, "m.gokd")
	for _, flag := range []string{"-steps 0", "-steps -5", "-size 0", "-size -64"} {
		args := append([]string{"export", "-out", out, "-cache", filepath.Join(dir, "cache")}, strings.Fields(flag)...)
		if code, _, stderr := run(args...); code != exitUsage || !strings.Contains(stderr, "positive") {
			t.Errorf("%s: exit %d, %q", flag, code, stderr)
		}
	}
	code, _, stderr := run("export", "-image", image, "-mask", mask, "-size", "16", "-steps", "1", "-out", out,
		"-cache", filepath.Join(dir, "cache"))
	if code != exitFormat || !strings.Contains(stderr, image) || !strings.Contains(stderr, "NaN") {
		t.Errorf("NaN image: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a model was written")
	}
}

// TestPrintConfigValidates: -print-config validates what it prints, and absurd sizes are refused with the field
// and the estimate, exit 4 (before: printed, or a fatal out-of-memory with exit 2).
func TestPrintConfigValidates(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ config, want string }{
		{`{"Loss": {"Temperature": 0}}`, "Loss.Temperature 0"},
		{`{"Train": {"LearningRate": -1}}`, "Train.LearningRate -1"},
		{`{"Data": {"Size": 100000}}`, "Data.Size 100000"},
		{`{"Data": {"Sites": 1000000}}`, "Data.Sites"},
		{`{"Train": {"BatchSize": 100000000}}`, "Train.BatchSize"},
	} {
		path := filepath.Join(dir, "cfg.json")
		if err := os.WriteFile(path, []byte(c.config), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := run("experiment", "-print-config", "-config", path)
		if code != exitFormat || stdout != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q", c.config, code, stderr)
		}
	}
	if code, _, stderr := run("experiment", "-print-config", "-config", filepath.Join(dir, "absent.json")); code != exitMissing {
		t.Errorf("missing -config: exit %d, %q", code, stderr)
	}
}
