package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
)

// serve is the child side of a GoKD contender (`gokd-bench -serve -backend X`): it answers the JSON-lines
// requests of reference.py's protocol on in/out, running the workloads on one backend.
//
//	{"op": "setup", "net": "teacher"|"student", "task": "train"|"infer", "batch": 8, "size": 128}
//	{"op": "run", "reps": 3}  →  {"ms": [...], "peak_bytes": N}
//
// peak_bytes is the process's resident-memory high-water mark since the set-up began, minus its resident memory
// just before (after the backend, and XLA's plugin, were loaded), as reference.py measures PyTorch.
func serve(backendConfig string, in io.Reader, out io.Writer) error {
	b, err := backend.New(backendConfig)
	if err != nil {
		return err
	}
	defer b.Finalize()
	var (
		runner  *goRunner
		baseKiB int64
	)
	enc := json.NewEncoder(out)
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<16), 1<<24)
	for scanner.Scan() {
		var req struct {
			Op    string
			Net   string
			Task  string
			Batch int
			Size  int
			Reps  int
		}
		answer := func() any {
			if err := json.Unmarshal(scanner.Bytes(), &req); err != nil {
				return map[string]string{"error": err.Error()}
			}
			switch req.Op {
			case "setup":
				runner = nil
				if baseKiB, err = setupBaseline(); err == nil {
					runner, err = newServedRunner(b, req.Net, req.Task, req.Batch, req.Size)
				}
				if err != nil {
					return map[string]string{"error": err.Error()}
				}
				return map[string]bool{"ok": true}
			case "run":
				if runner == nil {
					return map[string]string{"error": "run before a successful setup"}
				}
				var ms []float64
				for range max(req.Reps, 1) {
					t, err := runner.timeCall()
					if err != nil {
						return map[string]string{"error": err.Error()}
					}
					ms = append(ms, t)
				}
				peakKiB, err := procStatusKiB("VmHWM")
				if err != nil {
					return map[string]string{"error": err.Error()}
				}
				return map[string]any{"ms": ms, "peak_bytes": (peakKiB - baseKiB) * 1024}
			}
			return map[string]string{"error": fmt.Sprintf("unknown op %q", req.Op)}
		}()
		if err := enc.Encode(answer); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// setupBaseline frees what the Go runtime can and starts a new peak-memory window, returning the resident size.
func setupBaseline() (int64, error) {
	runtime.GC()
	debug.FreeOSMemory()
	base, err := procStatusKiB("VmRSS")
	if err != nil {
		return 0, err
	}
	return base, resetPeakRSS()
}

// newServedRunner builds the named workload on b.
func newServedRunner(b compute.Backend, net, task string, batch, size int) (*goRunner, error) {
	configs := map[string]func() *nets.Config{"teacher": nets.Teacher, "student": nets.Student}
	newConfig, ok := configs[net]
	if !ok {
		return nil, fmt.Errorf("unknown network %q", net)
	}
	if task != "train" && task != "infer" {
		return nil, fmt.Errorf("unknown task %q", task)
	}
	return newGoRunner(b, workload{net: net, cfg: newConfig(), train: task == "train", batch: batch, size: size})
}
