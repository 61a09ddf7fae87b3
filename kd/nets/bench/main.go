// Command bench compares the speed of GoKD's default networks on GoMLX's pure-Go backend with the same networks in
// PyTorch (`make bench`).
//
// For the teacher and the student it times a training step (forward, backward, Adam; softmax cross-entropy) and
// inference at batch 1 and 8, alternating GoKD and PyTorch round by round so that both see the same machine load.
// PyTorch runs in a child process (the embedded reference.py, with Debian's /usr/bin/python3 and python3-torch);
// without it only GoKD's numbers are printed. Output: a table (median ms, achieved GFLOP/s, peak memory) and one
// line per comparison, "ratio <what> <net> gokd/pytorch: <number>", below 1 when GoKD is faster or smaller.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gokd/gokd/kd/nets"
)

func main() {
	size := flag.Int("size", 128, "image height and width")
	trainBatch := flag.Int("train-batch", 8, "batch size of the training step")
	inferBatches := flag.String("infer-batches", "1,8", "comma-separated batch sizes for inference")
	rounds := flag.Int("rounds", 3, "alternating GoKD/PyTorch rounds per workload (the median is reported)")
	python := flag.String("python", "/usr/bin/python3", "interpreter with PyTorch for the reference; empty to skip")
	threads := flag.Int("threads", 2, "PyTorch intra-op threads (match the cores GoMLX uses)")
	only := flag.String("nets", "teacher,student", "comma-separated networks to benchmark: teacher, student")
	flag.Parse()

	if err := run(*size, *trainBatch, *inferBatches, *rounds, *python, *threads, *only); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// run builds the workloads from the flags and benchmarks them.
func run(size, trainBatch int, inferBatches string, rounds int, python string, threads int, only string) error {
	if rounds < 1 {
		return fmt.Errorf("-rounds %d, want ≥ 1", rounds)
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
		if probe, err := startTorchReference(python, threads); err != nil {
			fmt.Printf("PyTorch reference unavailable (%v): GoKD numbers only. `make setup-bench` installs it.\n", err)
		} else {
			probe.Close()
			newReference = func() (*torchReference, error) { return startTorchReference(python, threads) }
		}
	}

	results := make([]comparison, 0, len(workloads))
	for _, w := range workloads {
		fmt.Fprintf(os.Stderr, "bench: %s ...\n", w)
		reference, err := newReference()
		if err != nil {
			return err
		}
		c, err := compare(w, reference, rounds)
		if reference != nil {
			reference.Close()
		}
		if err != nil {
			return err
		}
		results = append(results, c)
	}
	printReport(os.Stdout, results)
	return nil
}
