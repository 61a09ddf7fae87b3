package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// contender is one implementation timed on the workloads, in a process of its own so that its peak memory is its
// own: GoKD on one backend (this program run with -serve) or the PyTorch reference (reference.py).
type contender struct {
	name    string // In the report: "gokd-go", "gokd-xla:cpu", "pytorch", "jax".
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Scanner
	cleanup func()
}

// startContender starts argv as a child that speaks the bench's JSON-lines protocol (see serve and reference.py)
// and checks that it answers.
func startContender(name string, argv []string, cleanup func()) (*contender, error) {
	c := &contender{name: name, cmd: exec.Command(argv[0], argv[1:]...), cleanup: cleanup}
	c.cmd.Stderr = os.Stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.stdout = bufio.NewScanner(stdout)
	c.stdout.Buffer(make([]byte, 1<<16), 1<<24)
	if err := c.cmd.Start(); err != nil {
		if cleanup != nil {
			cleanup()
		}
		return nil, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	// An unknown op is answered with an error once the child is ready: a cheap liveness check.
	var answer struct{ Error string }
	if err := c.request(map[string]any{"op": "ping"}, &answer); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// request sends one JSON request and decodes the JSON answer into answer; an answer with "error" is an error.
func (c *contender) request(req map[string]any, answer any) error {
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := c.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("sending %s: %w", line, err)
	}
	if !c.stdout.Scan() {
		if err := c.stdout.Err(); err != nil {
			return fmt.Errorf("reading the answer to %s: %w", line, err)
		}
		return fmt.Errorf("%s exited before answering %s", c.name, line)
	}
	raw := c.stdout.Bytes()
	var failure struct{ Error string }
	if err := json.Unmarshal(raw, &failure); err != nil {
		return fmt.Errorf("answer %q to %s: %w", raw, line, err)
	}
	if failure.Error != "" && req["op"] != "ping" {
		return fmt.Errorf("%s failed on %s: %s", c.name, line, failure.Error)
	}
	return json.Unmarshal(raw, answer)
}

// setup builds and warms up the workload in the child.
func (c *contender) setup(w workload, extra map[string]any) error {
	req := map[string]any{"op": "setup", "arch": w.cfg.Architecture(), "net": w.net, "task": w.kind(),
		"batch": w.batch, "size": w.size}
	for k, v := range extra {
		req[k] = v
	}
	var answer struct{ OK bool }
	return c.request(req, &answer)
}

// run times reps calls of the workload set up last.
func (c *contender) run(reps int) (measurement, error) {
	var answer struct {
		MS        []float64 `json:"ms"`
		PeakBytes int64     `json:"peak_bytes"`
	}
	if err := c.request(map[string]any{"op": "run", "reps": reps}, &answer); err != nil {
		return measurement{}, err
	}
	return measurement{ms: answer.MS, peakBytes: answer.PeakBytes}, nil
}

// Close ends the child process.
func (c *contender) Close() {
	_ = c.stdin.Close()
	_ = c.cmd.Wait()
	if c.cleanup != nil {
		c.cleanup()
	}
}
