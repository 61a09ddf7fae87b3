package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gokd/gokd/backend"
	"github.com/gomlx/compute"
)

// Exit statuses.
const (
	exitOK            = 0
	exitFailure       = 1
	exitUsage         = 2
	exitPluginMissing = 3
)

// DefaultBackend is the backend checked when neither -backend nor $GOMLX_BACKEND is set.
const DefaultBackend = "xla:cuda"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run parses the arguments, runs the phases asked for and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("devicecheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	defaultBackend := DefaultBackend
	if env := os.Getenv(backend.EnvBackend); env != "" {
		defaultBackend = env
	}
	config := flags.String("backend", defaultBackend, "backend to check, as $"+backend.EnvBackend)
	phase := flags.String("phase", "all", "what to run: all (devices, then train), devices, train, or resolve")
	dryRun := flags.Bool("dry-run", false, "run on the Go backend with tiny sizes (a quick test of the check itself)")
	opts := DefaultOptions()
	flags.IntVar(&opts.Steps, "steps", opts.Steps, "training steps of the teacher and of the student")
	flags.IntVar(&opts.CompareSteps, "compare-steps", opts.CompareSteps,
		"training steps on the Go backend for the ms/step comparison (0: no comparison)")
	flags.IntVar(&opts.Size, "size", opts.Size, "phantom slice size in pixels (a multiple of 8)")
	flags.IntVar(&opts.Batch, "batch", opts.Batch, "batch size (a multiple of the device count with several devices)")
	flags.IntVar(&opts.Devices, "devices", opts.Devices, "devices to train on, as train.Job.Devices (-1: all)")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if *dryRun {
		*config = backend.Default
		opts = DryRunOptions()
	}

	var err error
	switch *phase {
	case "resolve":
		var resolved string
		if resolved, err = backend.Resolve(*config); err == nil {
			_, _ = fmt.Fprintln(stdout, resolved)
		}
	case "devices":
		err = CheckDevices(stdout, *config)
	case "train":
		err = CheckTraining(stdout, *config, opts)
	case "all":
		if err = CheckDevices(stdout, *config); err == nil {
			err = CheckTraining(stdout, *config, opts)
		}
	default:
		_, _ = fmt.Fprintf(stderr, "devicecheck: unknown -phase %q: want all, devices, train or resolve\n", *phase)
		return exitUsage
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "devicecheck: %v\n", err)
		var missing *backend.PluginMissingError
		if errors.As(err, &missing) {
			return exitPluginMissing
		}
		return exitFailure
	}
	return exitOK
}

// CheckDevices creates the backend named by config and prints it and its devices.
func CheckDevices(out io.Writer, config string) error {
	resolved, err := backend.Resolve(config)
	if err != nil {
		return err
	}
	b, err := backend.New(config)
	if err != nil {
		return err
	}
	defer b.Finalize()
	_, _ = fmt.Fprintf(out, "backend %q (%s): %s\n", config, resolved, b.Description())
	for d := range b.NumDevices() {
		_, _ = fmt.Fprintf(out, "  device %d: %s\n", d, b.DeviceDescription(compute.DeviceNum(d)))
	}
	_, _ = fmt.Fprintf(out, "%d device(s)\n", b.NumDevices())
	return nil
}
