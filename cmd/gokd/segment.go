package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/deploy"
)

// volumeSuffixes are the input file names gokd segment reads (and, in a folder, picks up).
var volumeSuffixes = []string{".nii.gz", ".nii", ".mha", ".mhd", ".hdr", ".hdr.gz"}

// listFlag is a flag that may be given several times.
type listFlag []string

// String implements flag.Value.
func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value.
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// segmentOptions are gokd segment's flags.
type segmentOptions struct {
	model, out, backend string
	truth               string // Ground-truth mask of the (single) input: the report adds the Dice.
	inputs              []string
	force, json         bool
	frame, batch        int
	workers             int
	progress            bool // A progress line on stderr (a terminal).
}

// runSegment is `gokd segment`: a model file and volumes in, label volumes on the inputs' grids out.
func runSegment(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd segment", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd segment -model student.gokd -in case.nii.gz [-in …|folder] [-out case_seg.nii.gz|folder] [flags]\n\n"+
			"Segments each volume (NIfTI-1/2 or MetaImage) with the model and writes a uint8 label volume on the\n"+
			"input's own grid (same dims and affine). Exit codes: 2 usage, 3 missing or unreadable file,\n"+
			"4 unsupported or corrupt format, 5 not a GoKD model or another architecture, 6 output exists\n"+
			"(use -force), 7 4D input without -frame, 1 anything else.\n\nflags:\n")
		flags.PrintDefaults()
	}
	var o segmentOptions
	var inputs listFlag
	flags.StringVar(&o.model, "model", "", "model file written by `gokd export` (required)")
	flags.Var(&inputs, "in", "input volume or folder of volumes (repeatable; further arguments are inputs too)")
	flags.StringVar(&o.out, "out", "", "output file (one input) or folder; default: <input>_seg beside each input")
	flags.BoolVar(&o.force, "force", false, "replace existing outputs")
	flags.IntVar(&o.frame, "frame", -1, "frame of a 4D input to segment (from 0)")
	flags.BoolVar(&o.json, "json", false, "print one JSON object per volume instead of text")
	flags.StringVar(&o.truth, "truth", "", "ground-truth mask of the input (one input only): report the Dice against it")
	flags.IntVar(&o.batch, "batch", 8, "slices per inference batch")
	flags.IntVar(&o.workers, "workers", 1, "volumes segmented at once")
	flags.StringVar(&o.backend, "backend", backend.Config(), "GoMLX backend: go, or xla:cpu/xla:cuda in a cgo build")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	o.inputs = append(inputs, flags.Args()...)
	if o.model == "" || len(o.inputs) == 0 || o.workers < 1 || o.batch < 1 {
		_, _ = fmt.Fprintln(stderr, "gokd segment: need -model and at least one -in, with -workers and -batch ≥ 1")
		flags.Usage()
		return exitUsage
	}
	if o.truth != "" && len(o.inputs) != 1 {
		_, _ = fmt.Fprintln(stderr, "gokd segment: -truth needs exactly one input")
		return exitUsage
	}
	if f, ok := stderr.(*os.File); ok && !o.json {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			o.progress = true
		}
	}
	err := segment(o, stdout, stderr)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd segment:", err)
	}
	return exitCode(err)
}

// job is one volume to segment.
type job struct{ in, out string }

// segmentReport is what gokd segment prints for one volume (as text, or as JSON with -json).
type segmentReport struct {
	Model            string    `json:"model"`
	Role             string    `json:"role"`
	Parameters       int       `json:"parameters"`
	Backend          string    `json:"backend"`
	Input            string    `json:"input"`
	Dims             []int     `json:"dims"`
	SpacingMM        []float64 `json:"spacing_mm"`
	Axes             string    `json:"axes"`
	Output           string    `json:"output"`
	Slices           int       `json:"slices"`
	Seconds          float64   `json:"seconds"` // Preparation, inference and restoring the labels.
	TotalSeconds     float64   `json:"total_seconds"`
	ForegroundVoxels int       `json:"foreground_voxels"`
	ForegroundML     float64   `json:"foreground_ml"`
	Dice             *float64  `json:"dice,omitempty"` // Against -truth.
}

// segment runs gokd segment; the error carries the exit code.
func segment(o segmentOptions, stdout, stderr io.Writer) error {
	jobs, err := planJobs(o)
	if err != nil {
		return err
	}
	if !o.force {
		for _, j := range jobs {
			if _, err := os.Lstat(j.out); err == nil {
				return failf(exitExists, "%s exists (use -force to replace it)", j.out)
			}
		}
	}
	b, err := backend.New(o.backend)
	if err != nil {
		return fail(exitFailure, err)
	}
	model, err := deploy.Load(b, o.model)
	var archErr *ckpt.ArchitectureError
	switch {
	case err == nil:
	case errors.As(err, &archErr) && len(archErr.Problems) > 0:
		return failf(exitModel, "%s: its weights do not match the model's architecture: %d variables differ, "+
			"first %s", o.model, len(archErr.Problems), archErr.Problems[0])
	default:
		return modelReadError(err)
	}

	reports := make([]*segmentReport, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	var outMu sync.Mutex // One progress line at a time.
	for range min(o.workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var name string // The volume in progress, for the progress line.
			builder := deploy.NewSegmenter(b, model).BatchSize(o.batch)
			if o.progress {
				builder = builder.Progress(func(done, total int) {
					outMu.Lock()
					_, _ = fmt.Fprintf(stderr, "\r%s: slice %d/%d ", name, done, total)
					outMu.Unlock()
				})
			}
			s, err := builder.Done()
			for i := range next {
				if err != nil {
					errs[i] = fail(exitFailure, err)
					continue
				}
				name = filepath.Base(jobs[i].in)
				reports[i], errs[i] = segmentOne(s, model, jobs[i], o)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if o.progress {
		_, _ = fmt.Fprint(stderr, "\r\033[K")
	}
	var first error
	for i, r := range reports {
		if errs[i] != nil {
			if first == nil {
				first = errs[i]
			} else {
				_, _ = fmt.Fprintln(stderr, "gokd segment:", errs[i])
			}
			continue
		}
		r.Backend = b.Name()
		if err := printReport(stdout, r, o.json); err != nil {
			return fail(exitFailure, err)
		}
	}
	return first
}

// segmentOne reads, segments and writes one volume.
func segmentOne(s *deploy.Segmenter, model *deploy.Model, j job, o segmentOptions) (*segmentReport, error) {
	start := time.Now()
	v, err := volume.ReadVolume(j.in)
	if err != nil {
		if isFileSystemError(err) {
			return nil, fail(exitMissing, err)
		}
		return nil, fail(exitFormat, err)
	}
	v3, err := deploy.SelectFrame(v, o.frame)
	if err != nil {
		return nil, fail(exitFrame, err)
	}
	seg, err := s.Segment(v3)
	if err != nil {
		return nil, fail(exitFailure, err)
	}
	if err := deploy.WriteLabels(seg.Labels, j.out, o.force); err != nil {
		switch {
		case errors.Is(err, deploy.ErrOutputExists):
			return nil, fail(exitExists, err)
		case errors.Is(err, deploy.ErrUnsupportedOutput):
			return nil, fail(exitFormat, err)
		}
		return nil, fail(exitFailure, err)
	}
	report := &segmentReport{Model: model.Name, Role: model.Role, Parameters: model.Parameters, Input: j.in,
		Dims: v3.Dims, SpacingMM: v3.Spacing, Axes: v3.AxisCodes(), Output: j.out, Slices: seg.Slices,
		Seconds: seg.Elapsed.Seconds(), TotalSeconds: time.Since(start).Seconds(),
		ForegroundVoxels: seg.ForegroundVoxels, ForegroundML: seg.ForegroundML}
	if o.truth != "" {
		dice, err := diceAgainst(seg.Labels, o.truth, o.frame)
		if err != nil {
			return nil, err
		}
		report.Dice = &dice
	}
	return report, nil
}

// diceAgainst returns the Dice of labels' foreground against the mask in path (values above 0.5), which must lie
// on the same grid.
func diceAgainst(labels *volume.Volume, path string, frame int) (float64, error) {
	truth, err := volume.ReadVolume(path)
	if err != nil {
		if isFileSystemError(err) {
			return 0, fail(exitMissing, err)
		}
		return 0, fail(exitFormat, err)
	}
	if truth.NumFrames() > 1 {
		if truth, err = deploy.SelectFrame(truth, max(frame, 0)); err != nil {
			return 0, fail(exitFrame, err)
		}
	}
	if err := labels.SameGrid(truth); err != nil {
		return 0, failf(exitFormat, "-truth %s is not on the input's grid: %w", path, err)
	}
	var both, sum int
	for i, label := range labels.Data {
		a, b := label != 0, truth.Data[i] > 0.5
		if a && b {
			both++
		}
		if a {
			sum++
		}
		if b {
			sum++
		}
	}
	if sum == 0 {
		return 1, nil // Both empty: a perfect match.
	}
	return 2 * float64(both) / float64(sum), nil
}

// printReport prints one volume's report as text or as one JSON line.
func printReport(w io.Writer, r *segmentReport, asJSON bool) error {
	if asJSON {
		blob, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(blob))
		return err
	}
	dims := make([]string, len(r.Dims))
	for i, d := range r.Dims {
		dims[i] = fmt.Sprint(d)
	}
	spacing := make([]string, len(r.SpacingMM))
	for i, s := range r.SpacingMM {
		spacing[i] = fmt.Sprintf("%.4g", s)
	}
	_, err := fmt.Fprintf(w, "model   %s (%s, %d parameters, backend %s)\ninput   %s: %s voxels, spacing %s mm, axes %s\n"+
		"output  %s: foreground %.2f mL (%d voxels)\ntime    %.2f s per volume (%d slices; %.2f s with reading and writing)\n",
		r.Model, r.Role, r.Parameters, r.Backend, r.Input, strings.Join(dims, "×"), strings.Join(spacing, "×"), r.Axes,
		r.Output, r.ForegroundML, r.ForegroundVoxels, r.Seconds, r.Slices, r.TotalSeconds)
	if err == nil && r.Dice != nil {
		_, err = fmt.Fprintf(w, "dice    %.4f against the ground truth\n", *r.Dice)
	}
	return err
}

// planJobs expands the inputs (folders to the volumes in them) and names each output.
func planJobs(o segmentOptions) ([]job, error) {
	var inputs []string
	for _, in := range o.inputs {
		info, err := os.Stat(in)
		if err != nil {
			return nil, fail(exitMissing, fmt.Errorf("input %w", err))
		}
		if !info.IsDir() {
			inputs = append(inputs, in)
			continue
		}
		entries, err := os.ReadDir(in)
		if err != nil {
			return nil, fail(exitMissing, fmt.Errorf("input folder %w", err))
		}
		found := 0
		for _, e := range entries {
			if !e.IsDir() && volumeSuffix(e.Name()) != "" {
				inputs, found = append(inputs, filepath.Join(in, e.Name())), found+1
			}
		}
		if found == 0 {
			return nil, failf(exitMissing, "input folder %s holds no volume (%s)", in, strings.Join(volumeSuffixes, ", "))
		}
	}
	outDir := ""
	if o.out != "" {
		info, err := os.Stat(o.out)
		isDir := err == nil && info.IsDir()
		if len(inputs) > 1 || isDir || strings.HasSuffix(o.out, string(filepath.Separator)) {
			if err := os.MkdirAll(o.out, 0o755); err != nil {
				return nil, fail(exitFailure, fmt.Errorf("output folder: %w", err))
			}
			outDir = o.out
		} else {
			if volumeSuffix(o.out) == "" {
				return nil, failf(exitFormat, "output %s: %v %q (want .nii, .nii.gz, .mha or .mhd)", o.out,
					deploy.ErrUnsupportedOutput, filepath.Ext(o.out))
			}
			return []job{{in: inputs[0], out: o.out}}, nil
		}
	}
	jobs := make([]job, len(inputs))
	seen := map[string]string{}
	for i, in := range inputs {
		suffix := volumeSuffix(in)
		if suffix == "" {
			return nil, failf(exitFormat, "input %s: unknown file type %q (want %s)", in, filepath.Ext(in),
				strings.Join(volumeSuffixes, ", "))
		}
		outSuffix := suffix
		if strings.HasPrefix(suffix, ".hdr") {
			outSuffix = ".nii.gz" // Analyze-style pairs are read, written as single-file NIfTI.
		}
		dir := filepath.Dir(in)
		if outDir != "" {
			dir = outDir
		}
		base := filepath.Base(in)
		jobs[i] = job{in: in, out: filepath.Join(dir, base[:len(base)-len(suffix)]+"_seg"+outSuffix)}
		if other, dup := seen[jobs[i].out]; dup {
			return nil, failf(exitUsage, "inputs %s and %s would both write %s", other, in, jobs[i].out)
		}
		seen[jobs[i].out] = in
	}
	return jobs, nil
}

// volumeSuffix returns the volume suffix name ends with (case-insensitively), or "".
func volumeSuffix(name string) string {
	lower := strings.ToLower(name)
	i := slices.IndexFunc(volumeSuffixes, func(s string) bool { return strings.HasSuffix(lower, s) })
	if i < 0 {
		return ""
	}
	return name[len(name)-len(volumeSuffixes[i]):]
}
