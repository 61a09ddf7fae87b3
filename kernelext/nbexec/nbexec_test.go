package nbexec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `{"cells": [
 {"cell_type": "markdown", "source": ["# Title"]},
 {"cell_type": "code", "source": "%%\nfmt.Println(1)", "outputs": [
   {"output_type": "stream", "name": "stdout", "text": ["GOKD_RESULT {\"a\": 1}\n", "GOKD_RESULT {\"a\": 2, \"b_ms\": 3}\n"]}]},
 {"cell_type": "code", "source": ["%%\n", "checks.ExitOnFailure()"], "outputs": [
   {"output_type": "stream", "name": "stderr", "text": "GoKD: 1 check(s) failed\nexit status 1\n"}]},
 {"cell_type": "code", "source": "bad", "outputs": [
   {"output_type": "error", "ename": "ERROR", "evalue": "compile failed", "traceback": ["line 3"]}]}
]}`

func TestReadErrorsAndResults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := os.WriteFile(path, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	errs := nb.Errors()
	if len(errs) != 2 || errs[0].Index != 2 || errs[1].Index != 3 {
		t.Fatalf("Errors() = %+v, want cells 2 (exit status) and 3 (error output)", errs)
	}
	if !strings.Contains(errs[0].Error(), "checks.ExitOnFailure()") || !strings.Contains(errs[1].Message, "compile failed") {
		t.Errorf("errors lack the cell source or message: %v / %v", errs[0], errs[1])
	}
	result, err := nb.Results()
	if err != nil || result.Values["a"] != 2.0 || result.Values["b_ms"] != 3.0 {
		t.Fatalf("Results() = %v, %v; want the last line's values", result, err)
	}
}

func TestCellExecutionErrorDropsKernelLogs(t *testing.T) {
	log := "I1126 23:43:43.269134 15325 exec.go:96] noise\nAn error occurred while executing the following cell:\n" +
		"------------------\nbad code\n------------------\nW1126 23:43:43.2 more noise\nERROR: compile failed\n"
	got := cellExecutionError(log)
	if strings.Contains(got, "noise") || !strings.Contains(got, "bad code") || !strings.Contains(got, "compile failed") {
		t.Fatalf("cellExecutionError kept noise or lost the error:\n%s", got)
	}
}

func TestJupyterPrefersTheProjectEnvironment(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, ".venv", "bin")
	sub := filepath.Join(root, "notebooks")
	for _, dir := range []string{bin, sub} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	want := filepath.Join(bin, "jupyter")
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if got, err := Jupyter(); err != nil || got != want {
		t.Fatalf("Jupyter() = %q, %v from %s; want %q (the nearest .venv above)", got, err, sub, want)
	}
}
