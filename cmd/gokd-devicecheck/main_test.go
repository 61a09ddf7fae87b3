package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gokd/gokd/backend"
)

func TestDryRunRunsEveryPhase(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-dry-run"}, &out, &errs); code != exitOK {
		t.Fatalf("devicecheck -dry-run: exit %d, stderr:\n%s", code, errs.String())
	}
	for _, want := range []string{"device 0:", "1 device(s)", "ms/step", "teacher", "student"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTrainingResults(t *testing.T) {
	var out bytes.Buffer
	results, err := RunTraining(&out, backend.Default, DryRunOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Net != "teacher" || results[1].Net != "student" {
		t.Fatalf("results %+v, want the teacher then the student", results)
	}
	for _, r := range results {
		if r.StepMS <= 0 || r.Dice < 0 || r.Dice > 1 || r.Devices != 1 || r.Steps != DryRunOptions().Steps {
			t.Errorf("implausible result %+v", r)
		}
	}
	if _, err := RunTraining(&out, backend.Default, Options{}); err == nil {
		t.Error("zero options accepted")
	}
}

func TestMissingPluginExitsWithItsMessage(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	if path, _ := backend.FindPlugin("cuda"); path != "" {
		t.Skipf("a CUDA PJRT plugin is installed at %s", path)
	}
	for _, phase := range []string{"devices", "resolve", "all"} {
		var out, errs bytes.Buffer
		code := run([]string{"-backend", "xla:cuda", "-phase", phase}, &out, &errs)
		if code != exitPluginMissing || !strings.Contains(errs.String(), "jax-cuda13-pjrt") {
			t.Errorf("-phase %s without a CUDA plugin: exit %d, stderr %q; want %d and what to install",
				phase, code, errs.String(), exitPluginMissing)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-phase", "nope"}, &out, &errs); code != exitUsage {
		t.Errorf("unknown phase: exit %d", code)
	}
	if code := run([]string{"-no-such-flag"}, &out, &errs); code != exitUsage {
		t.Errorf("unknown flag: exit %d", code)
	}
	out.Reset()
	if code := run([]string{"-backend", "go", "-phase", "resolve"}, &out, &errs); code != exitOK || out.String() != "go\n" {
		t.Errorf("-phase resolve of go: exit %d, output %q", code, out.String())
	}
}
