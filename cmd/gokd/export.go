package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/deploy"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/train"
)

// runExport is `gokd export`: a trained model of the experiment (from its cache, trained first if missing) into
// a self-describing model file.
func runExport(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd export", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "JSON experiment configuration (default: the embedded defaults)")
	cacheDir := flags.String("cache", ".gokd-cache", "folder where trained models are cached")
	name := flags.String("model", experiment.StudentName(experiment.StudentSingleKD, 1),
		"model to export: teacher, site_teacher-<site> or <student kind>-s<seed>")
	out := flags.String("out", "", "model file to write, e.g. student.gokd (required)")
	force := flags.Bool("force", false, "replace an existing model file")
	backendName := flags.String("backend", backend.Config(), "GoMLX backend used if the model must be trained")
	over := overrideFlags(flags)
	var data pairData
	flags.StringVar(&data.image, "image", "", "train on this one image (with -mask) instead of the configuration's data, "+
		"with the default 128² networks (nets.Teacher, nets.Student)")
	flags.StringVar(&data.mask, "mask", "", "segmentation of -image")
	flags.IntVar(&data.size, "size", 0, "slice size for -image (default: the configuration's)")
	flags.IntVar(&data.steps, "steps", 0, "training steps of the model, if it must be trained (default: the configuration's)")
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd export -model NAME -out model.gokd [-config cfg.json | -image I -mask M] [-cache DIR]\n\n"+
			"Writes a trained model of the experiment (reloaded from the cache, or trained now) into one file with its\n"+
			"weights, architecture, preprocessing and provenance, for `gokd segment`.\n\nflags:\n")
		flags.PrintDefaults()
	}
	if code, done := parseFlags(flags, args, false); done {
		return code
	}
	if *out == "" {
		flags.Usage()
		return exitUsage
	}
	if err := data.check(flags); err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd export:", err)
		return exitUsage
	}
	err := export(stdout, stderr, *configPath, *cacheDir, *name, *out, *backendName, *force, over, data)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd export:", err)
	}
	return exitCode(err)
}

// check refuses pairData's flags that cannot be meant: -image without -mask (or the reverse), and a -size or
// -steps given but not positive (0 would silently mean the configuration's).
func (p pairData) check(flags *flag.FlagSet) error {
	if (p.image == "") != (p.mask == "") {
		return errors.New("-image and -mask go together")
	}
	var err error
	flags.Visit(func(f *flag.Flag) {
		if (f.Name == "size" && p.size <= 0 || f.Name == "steps" && p.steps <= 0) && err == nil {
			err = fmt.Errorf("-%s %s: want a positive number (leave it out for the configuration's)", f.Name,
				f.Value)
		}
	})
	return err
}

// checkImage reads -image and refuses it, naming it, when more than deploy.MaxNonFiniteFraction of its voxels
// are NaN or infinite; fewer are left out of its normalisation (a warning counts them). Before, such an image
// trained into "batch loss is NaN".
func (p pairData) checkImage(stderr io.Writer) error {
	if p.image == "" {
		return nil
	}
	v, err := readFrame(p.image, 0)
	if err != nil {
		return err
	}
	bad := datasets.CountNonFinite(v.Data)
	if float64(bad) > deploy.MaxNonFiniteFraction*float64(len(v.Data)) {
		return failf(exitFormat, "-image %s: %w: %d of its %d voxels are NaN or infinite, more than %g%%",
			p.image, deploy.ErrNonFinite, bad, len(v.Data), 100*deploy.MaxNonFiniteFraction)
	}
	if bad > 0 {
		_, _ = fmt.Fprintf(stderr, "gokd export: warning: -image %s: %d voxels are NaN or infinite: set to the low "+
			"clip value (background)\n", p.image, bad)
	}
	return nil
}

// pairData are export's flags that train on one image and its mask.
type pairData struct {
	image, mask string
	size, steps int
}

// apply changes config accordingly.
func (p pairData) apply(config *experiment.Config) {
	if p.image != "" {
		size := config.Data.Size
		if p.size > 0 {
			size = p.size
		}
		config.Data = experiment.DataConfig{Source: experiment.SourcePair, Path: p.image, MaskPath: p.mask, Size: size,
			TestFraction: 0.3}
		// Real MRI at 128² gets the networks sized for it (nets.Teacher, nets.Student), not the flagship's, sized
		// for the 48² phantom: measured on the shared case at 300 steps, the flagship's student (1.9 k parameters)
		// reached test Dice 0.00, nets.Student (17.9 k) 0.59.
		config.Teacher = experiment.NetSpec{Levels: 4, BaseWidth: 16}
		config.Student = experiment.NetSpec{Levels: 4, BaseWidth: 8, Separable: true, Stem: 2}
	} else if p.size > 0 {
		config.Data.Size = p.size
	}
	if p.steps > 0 {
		config.Train.TeacherSteps, config.Train.SiteTeacherSteps, config.Train.StudentSteps = p.steps, p.steps, p.steps
	}
}

// export runs gokd export; the error carries the exit code. The configuration, the inputs and the output are
// checked before any training.
func export(stdout, stderr io.Writer, configPath, cacheDir, name, out, backendName string, force bool, over overrides,
	data pairData) error {
	config, err := readConfig(configPath, over, data.apply)
	if err != nil {
		return err
	}
	if data.image != "" {
		for _, f := range []string{data.image, data.mask} {
			if _, err := os.Stat(f); err != nil {
				return fail(exitMissing, err)
			}
		}
	}
	if err := checkOutputFile(out, []string{configPath, data.image, data.mask}, force); err != nil {
		return err
	}
	if err := data.checkImage(stderr); err != nil {
		return err
	}
	b, err := backend.New(backendName)
	if err != nil {
		return err
	}
	r, err := experiment.New(b, config, cacheDir)
	if err != nil {
		return err
	}
	r.Log = stdout
	r.Progress = func(name string) (func(train.Progress), func()) {
		return func(p train.Progress) {
			_, _ = fmt.Fprintf(stdout, "  %s step %d/%d loss %.3f dice %.3f (%.0f s)\n", p.Job, p.Step, p.Steps,
				p.Metrics["loss"], p.Metrics["dice"], p.Elapsed.Seconds())
		}, func() {}
	}
	d, err := r.Export(name, out, force)
	if errors.Is(err, deploy.ErrOutputExists) {
		return failf(exitExists, "%w (use -force to replace it)", err)
	}
	if err != nil && data.image != "" {
		return fmt.Errorf("training on -image %s: %w", data.image, err)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s: %s (%s, %d parameters), test Dice %.3f\n", out, d.Name, d.Role,
		d.Parameters, d.Provenance.Metrics["test_dice"])
	return err
}
