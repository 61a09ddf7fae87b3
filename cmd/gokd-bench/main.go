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
	rounds := flag.Int("rounds", 3, "alternating rounds per workload, every contender once a round (the median is reported)")
	defaultPython := "/usr/bin/python3"
	if env := os.Getenv("GOKD_PYTHON"); env != "" {
		defaultPython = env
	}
	python := flag.String("python", defaultPython, "interpreter with PyTorch for the reference ($GOKD_PYTHON); empty to skip")
	defaultJAX := os.Getenv("GOKD_JAX_PYTHON")
	if _, err := os.Stat(benchVenvPython); defaultJAX == "" && err == nil {
		defaultJAX = benchVenvPython
	}
	jaxPython := flag.String("jax", defaultJAX, "interpreter with JAX for the second reference ($GOKD_JAX_PYTHON, else "+benchVenvPython+" when present); empty to skip")
	backends := flag.String("backends", "", "comma-separated GoKD backends to time (default: every one present here: go, xla:cpu, xla:cuda)")
	device := flag.String("device", "cpu", "PyTorch's device: cpu or cuda")
	threads := flag.Int("threads", 2, "PyTorch intra-op threads (match the cores GoMLX uses)")
	only := flag.String("nets", "teacher,student", "comma-separated networks to benchmark: teacher, student")
	serveBackend := flag.String("serve", "", "internal: serve workloads on this backend over stdin/stdout (a contender)")
	flag.Parse()

	if *serveBackend != "" {
		if err := serve(*serveBackend, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "gokd-bench -serve %s: %v\n", *serveBackend, err)
			os.Exit(1)
		}
		return
	}
	refs := []reference{{"pytorch", torchScript, *python}, {"jax", jaxScript, *jaxPython}}
	if err := run(*size, *trainBatch, *inferBatches, *rounds, refs, *threads, *only, *backends, *device); err != nil {
		fmt.Fprintf(os.Stderr, "gokd-bench: %v\n", err)
		os.Exit(1)
	}
}

// benchVenvPython is the interpreter of the virtual environment that `make setup-bench` creates for JAX.
const benchVenvPython = ".venv-bench/bin/python"

// reference is an implementation GoKD is compared with: a script run by an interpreter.
type reference struct {
	name   string
	script []byte
	python string // Empty: not run.
}

// presentBackends lists the GoKD backends that can run here: the Go backend always, XLA's CPU and CUDA plugins
// when installed and loadable.
func presentBackends() []string {
	present := []string{backend.Go}
	for _, config := range []string{backend.XLACPU, "xla:cuda"} {
		b, err := backend.New(config)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gokd-bench: %s not timed: %v\n", config, firstLine(err.Error()))
			continue
		}
		b.Finalize()
		present = append(present, config)
	}
	return present
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 160 {
		line = line[:160] + "…"
	}
	return line
}

// run builds the workloads from the flags and benchmarks them.
func run(size, trainBatch int, inferBatches string, rounds int, refs []reference, threads int, only, backends,
	device string) error {
	if rounds < 1 {
		return fmt.Errorf("-rounds %d, want ≥ 1", rounds)
	}
	if device != "cpu" && device != "cuda" {
		return fmt.Errorf("-device %q, want cpu or cuda", device)
	}
	configs := presentBackendsOr(backends)
	for _, config := range configs {
		if _, err := backend.Resolve(config); err != nil {
			return err
		}
	}
	workloads, err := buildWorkloads(size, trainBatch, inferBatches, only)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program to start its contenders: %w", err)
	}
	var present []reference
	for _, ref := range refs {
		if ref.python == "" {
			continue
		}
		if device != "cpu" && ref.name != "pytorch" {
			continue // The JAX reference runs on the CPU only.
		}
		probe, err := startReference(ref.name, ref.script, ref.python)
		if err != nil {
			fmt.Printf("%s reference unavailable (%v); `make setup-bench` installs it.\n", ref.name, err)
			continue
		}
		probe.Close()
		present = append(present, ref)
	}

	results := make([]comparison, 0, len(workloads))
	for _, w := range workloads {
		fmt.Fprintf(os.Stderr, "gokd-bench: %s ...\n", w)
		// New processes for every workload, so that each peak is the workload's own.
		var contenders []*contender
		closeAll := func() {
			for _, c := range contenders {
				c.Close()
			}
		}
		for _, config := range configs {
			c, err := startContender("gokd-"+config, []string{self, "-serve", config}, nil)
			if err != nil {
				closeAll()
				return err
			}
			contenders = append(contenders, c)
		}
		for _, ref := range present {
			c, err := startReference(ref.name, ref.script, ref.python)
			if err != nil {
				closeAll()
				return err
			}
			contenders = append(contenders, c)
		}
		c, err := compare(w, contenders, map[string]any{"threads": threads, "device": device}, rounds)
		closeAll()
		if err != nil {
			return err
		}
		results = append(results, c)
	}
	fmt.Printf("GoKD on %s; PyTorch on %s with %d threads\n", strings.Join(configs, ", "), device, threads)
	printReport(os.Stdout, results, device == "cpu")
	return nil
}

// presentBackendsOr is the -backends list, or every backend present when it is empty.
func presentBackendsOr(list string) []string {
	if strings.TrimSpace(list) == "" {
		return presentBackends()
	}
	var configs []string
	for _, c := range strings.Split(list, ",") {
		if c = strings.TrimSpace(c); c != "" {
			configs = append(configs, c)
		}
	}
	return configs
}

// buildWorkloads lists, for each network, its training step and its inference at each batch size.
func buildWorkloads(size, trainBatch int, inferBatches, only string) ([]workload, error) {
	configs := map[string]func() *nets.Config{"teacher": nets.Teacher, "student": nets.Student}
	var workloads []workload
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		newConfig, ok := configs[name]
		if !ok {
			return nil, fmt.Errorf("-nets: unknown network %q, want teacher or student", name)
		}
		cfg := newConfig()
		if size%cfg.SizeDivisor() != 0 {
			return nil, fmt.Errorf("-size %d: %s needs a multiple of %d", size, cfg, cfg.SizeDivisor())
		}
		workloads = append(workloads, workload{net: name, cfg: cfg, train: true, batch: trainBatch, size: size})
		for _, field := range strings.Split(inferBatches, ",") {
			batch, err := strconv.Atoi(strings.TrimSpace(field))
			if err != nil || batch < 1 {
				return nil, fmt.Errorf("-infer-batches: bad batch size %q", field)
			}
			workloads = append(workloads, workload{net: name, cfg: cfg, batch: batch, size: size})
		}
	}
	return workloads, nil
}

// comparison is a workload's measurements, one per contender, in the contenders' order.
type comparison struct {
	workload
	names    []string
	measured []measurement
}

// compare sets the workload up in every contender, then runs rounds in which each contender times one call, in
// turn, so that all see the same machine load.
func compare(w workload, contenders []*contender, extra map[string]any, rounds int) (comparison, error) {
	c := comparison{workload: w, measured: make([]measurement, len(contenders))}
	for _, k := range contenders {
		if err := k.setup(w, extra); err != nil {
			return c, fmt.Errorf("%s: %w", w, err)
		}
		c.names = append(c.names, k.name)
	}
	for range rounds {
		for i, k := range contenders {
			m, err := k.run(1)
			if err != nil {
				return c, fmt.Errorf("%s: %w", w, err)
			}
			c.measured[i].ms = append(c.measured[i].ms, m.ms...)
			c.measured[i].peakBytes = m.peakBytes
		}
	}
	return c, nil
}
