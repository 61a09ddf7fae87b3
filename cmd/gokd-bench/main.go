package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/nets"
)

func main() {
	size := flag.Int("size", 128, "image height and width")
	trainBatch := flag.Int("train-batch", 8, "batch size of the training step")
	inferBatches := flag.String("infer-batches", "1,8", "comma-separated batch sizes for inference")
	rounds := flag.Int("rounds", 3, "alternating GoKD/PyTorch rounds per workload (the median is reported)")
	defaultPython := "/usr/bin/python3"
	if env := os.Getenv("GOKD_PYTHON"); env != "" {
		defaultPython = env
	}
	python := flag.String("python", defaultPython, "interpreter with PyTorch for the reference ($GOKD_PYTHON); empty to skip")
	backendConfig := flag.String("backend", backend.Config(), "GoKD's backend, as $GOMLX_BACKEND (go, xla:cuda, ...)")
	device := flag.String("device", "cpu", "PyTorch's device: cpu or cuda")
	threads := flag.Int("threads", 2, "PyTorch intra-op threads (match the cores GoMLX uses)")
	only := flag.String("nets", "teacher,student", "comma-separated networks to benchmark: teacher, student")
	flag.Parse()

	if err := run(*size, *trainBatch, *inferBatches, *rounds, *python, *threads, *only, *backendConfig, *device); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// run builds the workloads from the flags and benchmarks them.
func run(size, trainBatch int, inferBatches string, rounds int, python string, threads int, only, backendConfig,
	device string) error {
	if rounds < 1 {
		return fmt.Errorf("-rounds %d, want ≥ 1", rounds)
	}
	if device != "cpu" && device != "cuda" {
		return fmt.Errorf("-device %q, want cpu or cuda", device)
	}
	resolved, err := backend.Resolve(backendConfig)
	if err != nil {
		return err
	}
	configs := map[string]func() *nets.Config{"teacher": nets.Teacher, "student": nets.Student}
	var workloads []workload
	for _, name := range strings.Split(only, ",") {
		newConfig, ok := configs[strings.TrimSpace(name)]
		if !ok {
			return fmt.Errorf("-nets: unknown network %q, want teacher or student", name)
		}
		cfg := newConfig()
		if size%cfg.SizeDivisor() != 0 {
			return fmt.Errorf("-size %d: %s needs a multiple of %d", size, cfg, cfg.SizeDivisor())
		}
		workloads = append(workloads, workload{net: strings.TrimSpace(name), cfg: cfg, train: true, batch: trainBatch, size: size})
		for _, field := range strings.Split(inferBatches, ",") {
			batch, err := strconv.Atoi(strings.TrimSpace(field))
			if err != nil || batch < 1 {
				return fmt.Errorf("-infer-batches: bad batch size %q", field)
			}
			workloads = append(workloads, workload{net: strings.TrimSpace(name), cfg: cfg, batch: batch, size: size})
		}
	}

	// One PyTorch process per workload, so that its peak memory is not hidden by what an earlier one freed.
	newReference := func() (*torchReference, error) { return nil, nil }
	if python != "" {
		if probe, err := startTorchReference(python, threads, device); err != nil {
			fmt.Printf("PyTorch reference unavailable (%v): GoKD numbers only. `make setup-bench` installs it.\n", err)
		} else {
			probe.Close()
			newReference = func() (*torchReference, error) { return startTorchReference(python, threads, device) }
		}
	}

	results := make([]comparison, 0, len(workloads))
	for _, w := range workloads {
		fmt.Fprintf(os.Stderr, "bench: %s ...\n", w)
		reference, err := newReference()
		if err != nil {
			return err
		}
		c, err := compare(w, resolved, reference, rounds)
		if reference != nil {
			reference.Close()
		}
		if err != nil {
			return err
		}
		results = append(results, c)
	}
	fmt.Printf("GoKD on %s, PyTorch on %s\n", resolved, device)
	printReport(os.Stdout, results, device == "cpu")
	return nil
}
