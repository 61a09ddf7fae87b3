package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/deploy"
	"github.com/gomlx/compute"
)

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
			"input's own grid (same dims and affine). A folder's earlier outputs (*_seg.*, or tagged by gokd) are\n"+
			"not inputs; no output replaces a file read, even with -force. Exit codes: 2 usage, 3 missing or\n"+
			"unreadable file or folder, 4 unsupported or corrupt format (too many NaN voxels, degenerate geometry),\n"+
			"5 not a GoKD model or another architecture, 6 output exists (use -force), 7 4D input without -frame,\n"+
			"1 anything else.\n\nflags:\n")
		flags.PrintDefaults()
	}
	var o segmentOptions
	var inputs listFlag
	flags.StringVar(&o.model, "model", "", "model file written by `gokd export` (required)")
	flags.Var(&inputs, "in", "input volume or folder of volumes (repeatable; further arguments are inputs too)")
	flags.StringVar(&o.out, "out", "", "output file (one input) or folder; default: <input>_seg beside each input")
	flags.BoolVar(&o.force, "force", false, "replace existing outputs (never an input)")
	flags.IntVar(&o.frame, "frame", -1, "frame of a 4D input to segment (from 0)")
	flags.BoolVar(&o.json, "json", false, "print one JSON object per volume instead of text")
	flags.StringVar(&o.truth, "truth", "", "ground-truth mask of the input (one input only): report the Dice against it")
	flags.IntVar(&o.batch, "batch", 8, "slices per inference batch (at most the volume's slices, and bounded in memory)")
	flags.IntVar(&o.workers, "workers", 1, "volumes segmented at once (at most one per CPU core)")
	flags.StringVar(&o.backend, "backend", backend.Config(), "GoMLX backend: go, or xla:cpu/xla:cuda in a cgo build")
	if code, done := parseFlags(flags, args, true); done {
		return code
	}
	o.inputs = append(inputs, flags.Args()...)
	if o.model == "" || len(o.inputs) == 0 || o.workers < 1 || o.batch < 1 || o.frame < -1 {
		_, _ = fmt.Fprintln(stderr, "gokd segment: need -model and at least one -in, with -workers and -batch ≥ 1 "+
			"and -frame ≥ 0")
		flags.Usage()
		return exitUsage
	}
	if f, ok := stderr.(*os.File); ok && !o.json {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			o.progress = true
		}
	}
	err := segment(o, stdout, stderr)
	if err != nil && !errors.Is(err, errReported) {
		_, _ = fmt.Fprintln(stderr, "gokd segment:", err)
	}
	return exitCode(err)
}

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
	NonFiniteVoxels  int       `json:"non_finite_voxels,omitempty"` // NaN or ±Inf, set to the low clip value.
	ForegroundVoxels int       `json:"foreground_voxels"`
	ForegroundML     float64   `json:"foreground_ml"`
	Dice             *float64  `json:"dice,omitempty"` // Against -truth.
}

// segment runs gokd segment; the error carries the exit code. Everything is checked before any volume is read
// (planJobs, the model); each volume's report, or error, is printed as soon as it is done.
func segment(o segmentOptions, stdout, stderr io.Writer) error {
	p, err := planJobs(o)
	if err != nil {
		return err
	}
	b, err := backend.New(o.backend)
	if err != nil {
		return fail(exitFailure, err)
	}
	model, err := loadModel(b, o.model)
	if err != nil {
		return err
	}
	if warning := model.FormatWarning(); warning != "" {
		_, _ = fmt.Fprintf(stderr, "gokd segment: warning: %s: %s\n", o.model, warning)
	}
	if len(p.skipped) > 0 {
		_, _ = fmt.Fprintf(stderr, "gokd segment: %d earlier outputs in the input folders are not inputs (%s, …)\n",
			len(p.skipped), p.skipped[0])
	}
	if p.mkdir != "" {
		if err := os.MkdirAll(p.mkdir, 0o755); err != nil {
			return fail(exitFailure, fmt.Errorf("output folder: %w", err))
		}
	}

	var outMu sync.Mutex // One line at a time: progress, reports, errors.
	var first error
	emit := func(r *segmentReport, err error) {
		outMu.Lock()
		defer outMu.Unlock()
		if o.progress {
			_, _ = fmt.Fprint(stderr, "\r\033[K")
		}
		if err == nil {
			r.Backend = b.Name()
			if r.NonFiniteVoxels > 0 {
				_, _ = fmt.Fprintf(stderr, "gokd segment: warning: %s: %d voxels are NaN or infinite: set to the low "+
					"clip value (background); more than %g%% is refused\n", r.Input, r.NonFiniteVoxels,
					100*deploy.MaxNonFiniteFraction)
			}
			err = printReport(stdout, r, o.json)
		}
		if err != nil {
			_, _ = fmt.Fprintln(stderr, "gokd segment:", err)
			if first == nil {
				first = err
			}
		}
	}
	next := make(chan job)
	var wg sync.WaitGroup
	for range min(o.workers, len(p.jobs), runtime.NumCPU()) {
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
			for j := range next {
				if err != nil {
					emit(nil, fail(exitFailure, err))
					continue
				}
				name = filepath.Base(j.in)
				emit(segmentOne(s, model, j, o))
			}
		}()
	}
	for _, j := range p.jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	if first != nil {
		return fail(exitCode(first), errReported)
	}
	return nil
}

// loadModel loads the model file at path, its error carrying the exit code.
func loadModel(b compute.Backend, path string) (*deploy.Model, error) {
	model, err := deploy.Load(b, path)
	var archErr *ckpt.ArchitectureError
	switch {
	case err == nil:
		return model, nil
	case errors.As(err, &archErr) && len(archErr.Problems) > 0:
		return nil, failf(exitModel, "%s: its weights do not match the model's architecture: %d variables differ, "+
			"first %s", path, len(archErr.Problems), archErr.Problems[0])
	}
	return nil, modelReadError(err)
}

// segmentOne reads, segments and writes one volume; with -truth, the ground truth is read and checked before
// the segmentation, and nothing is written when it fails.
func segmentOne(s *deploy.Segmenter, model *deploy.Model, j job, o segmentOptions) (*segmentReport, error) {
	start := time.Now()
	v3, err := readFrame(j.in, o.frame)
	if err != nil {
		return nil, err
	}
	var truth *volume.Volume
	if o.truth != "" {
		if truth, err = readFrame(o.truth, max(o.frame, 0)); err != nil {
			return nil, err
		}
		if err := v3.SameGrid(truth); err != nil {
			return nil, failf(exitFormat, "-truth %s is not on the input's grid: %w", o.truth, err)
		}
	}
	seg, err := s.Segment(v3)
	switch {
	case errors.Is(err, deploy.ErrNonFinite), errors.Is(err, deploy.ErrGeometry):
		return nil, fail(exitFormat, err)
	case err != nil:
		return nil, fail(exitFailure, err)
	}
	report := &segmentReport{Model: model.Name, Role: model.Role, Parameters: model.Parameters, Input: j.in,
		Dims: v3.Dims, SpacingMM: v3.Spacing, Axes: v3.AxisCodes(), Output: j.out, Slices: seg.Slices,
		NonFiniteVoxels: seg.NonFiniteVoxels, ForegroundVoxels: seg.ForegroundVoxels, ForegroundML: seg.ForegroundML}
	if truth != nil {
		dice := diceOf(seg.Labels, truth)
		report.Dice = &dice
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
	report.Seconds, report.TotalSeconds = seg.Elapsed.Seconds(), time.Since(start).Seconds()
	return report, nil
}

// readFrame reads the volume at path and selects its 3D frame (deploy.SelectFrame), its error carrying the exit
// code.
func readFrame(path string, frame int) (*volume.Volume, error) {
	v, err := volume.ReadVolume(path)
	if err != nil {
		if isFileSystemError(err) {
			return nil, fail(exitMissing, err)
		}
		return nil, fail(exitFormat, err)
	}
	v3, err := deploy.SelectFrame(v, frame)
	if err != nil {
		return nil, fail(exitFrame, err)
	}
	return v3, nil
}

// diceOf returns the Dice of labels' foreground against truth's (values above 0.5), on the same grid.
func diceOf(labels, truth *volume.Volume) float64 {
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
		return 1 // Both empty: a perfect match.
	}
	return 2 * float64(both) / float64(sum)
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
