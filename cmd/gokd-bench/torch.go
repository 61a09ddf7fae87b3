package main

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

//go:embed reference.py
var referenceScript []byte

// torchReference is the PyTorch child process running reference.py, spoken to in JSON lines.
type torchReference struct {
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	stdout     *bufio.Scanner
	scriptPath string
	threads    int
	device     string // PyTorch device: "cpu" or "cuda".
}

// startTorchReference starts reference.py with python, to run on device ("cpu" or "cuda"), and checks that it
// answers (PyTorch imports).
func startTorchReference(python string, threads int, device string) (*torchReference, error) {
	script, err := os.CreateTemp("", "gokd-bench-reference-*.py")
	if err != nil {
		return nil, fmt.Errorf("writing the reference script: %w", err)
	}
	if _, err := script.Write(referenceScript); err != nil {
		_ = script.Close()
		return nil, fmt.Errorf("writing %s: %w", script.Name(), err)
	}
	if err := script.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", script.Name(), err)
	}
	r := &torchReference{cmd: exec.Command(python, script.Name()), scriptPath: script.Name(), threads: threads,
		device: device}
	r.cmd.Stderr = os.Stderr
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r.stdout = bufio.NewScanner(stdout)
	if err := r.cmd.Start(); err != nil {
		_ = os.Remove(script.Name())
		return nil, fmt.Errorf("starting %s: %w", python, err)
	}
	// An unknown op is answered with an error once torch has been imported: a cheap liveness check.
	var answer struct{ Error string }
	if err := r.request(map[string]any{"op": "ping"}, &answer); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s %s: %w", python, script.Name(), err)
	}
	return r, nil
}

// request sends one JSON request and decodes the JSON answer into answer; an answer with "error" is an error.
func (r *torchReference) request(req map[string]any, answer any) error {
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := r.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("sending %s: %w", line, err)
	}
	if !r.stdout.Scan() {
		if err := r.stdout.Err(); err != nil {
			return fmt.Errorf("reading the answer to %s: %w", line, err)
		}
		return fmt.Errorf("the reference exited before answering %s", line)
	}
	raw := r.stdout.Bytes()
	var failure struct{ Error string }
	if err := json.Unmarshal(raw, &failure); err != nil {
		return fmt.Errorf("answer %q to %s: %w", raw, line, err)
	}
	if failure.Error != "" && req["op"] != "ping" {
		return fmt.Errorf("reference failed on %s: %s", line, failure.Error)
	}
	return json.Unmarshal(raw, answer)
}

// setup builds and warms up the workload's network in PyTorch.
func (r *torchReference) setup(w workload) error {
	task := "infer"
	if w.train {
		task = "train"
	}
	var answer struct{ OK bool }
	return r.request(map[string]any{"op": "setup", "arch": w.cfg.Architecture(), "task": task,
		"batch": w.batch, "size": w.size, "threads": r.threads, "device": r.device}, &answer)
}

// run times reps calls of the workload set up last.
func (r *torchReference) run(reps int) (measurement, error) {
	var answer struct {
		MS        []float64 `json:"ms"`
		PeakBytes int64     `json:"peak_bytes"`
	}
	if err := r.request(map[string]any{"op": "run", "reps": reps}, &answer); err != nil {
		return measurement{}, err
	}
	return measurement{ms: answer.MS, peakBytes: answer.PeakBytes}, nil
}

// Close ends the child process and removes the script.
func (r *torchReference) Close() {
	_ = r.stdin.Close()
	_ = r.cmd.Wait()
	_ = os.Remove(r.scriptPath)
}
