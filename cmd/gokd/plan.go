package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/deploy"
)

// volumeSuffixes are the input file names gokd segment reads (and, in a folder, picks up).
var volumeSuffixes = []string{".nii.gz", ".nii", ".mha", ".mhd", ".hdr", ".hdr.gz"}

// outputMark ends the name of every output gokd segment names itself: <input>_seg<suffix>.
const outputMark = "_seg"

// job is one volume to segment.
type job struct{ in, out string }

// plan is the work of one gokd segment run, checked whole before any of it starts.
type plan struct {
	jobs    []job
	mkdir   string   // Output folder to create once everything is checked ("" for none).
	skipped []string // Files of input folders left out as earlier outputs of gokd segment.
}

// planJobs expands the inputs (folders to the volumes in them, less earlier outputs), names each output and
// checks everything that can be checked without reading the volumes: the outputs' folders, duplicate outputs,
// -truth's single input, outputs that exist (-force) or are inputs (never replaced). It writes nothing.
func planJobs(o segmentOptions) (plan, error) {
	var p plan
	var inputs []string
	for _, in := range o.inputs {
		found, skipped, err := expandInput(in)
		if err != nil {
			return plan{}, err
		}
		inputs, p.skipped = append(inputs, found...), append(p.skipped, skipped...)
	}
	if o.truth != "" && len(inputs) != 1 {
		return plan{}, failf(exitUsage, "-truth needs exactly one input volume, and %d are given", len(inputs))
	}
	jobs, outDir, err := nameOutputs(inputs, o.out)
	if err != nil {
		return plan{}, err
	}
	p.jobs = jobs
	if outDir != "" {
		if info, err := os.Stat(outDir); err != nil {
			p.mkdir = outDir // Created once everything is checked.
		} else if !info.IsDir() {
			return plan{}, failf(exitUsage, "output folder %s is a file", outDir)
		}
	} else {
		for _, j := range jobs {
			if info, err := os.Stat(filepath.Dir(j.out)); err != nil || !info.IsDir() {
				return plan{}, failf(exitMissing, "output %s: its folder %s does not exist", j.out, filepath.Dir(j.out))
			}
		}
	}
	if err := checkOutputs(jobs, protectedFiles(inputs, o), o.force); err != nil {
		return plan{}, err
	}
	return p, nil
}

// expandInput returns the volumes of one -in: the file itself, or the volumes of a folder less the earlier
// outputs of gokd segment (named <input>_seg<suffix>, or tagged [deploy.LabelsTag]), which it returns apart.
func expandInput(in string) (found, skipped []string, err error) {
	info, err := os.Stat(in)
	if err != nil {
		return nil, nil, fail(exitMissing, fmt.Errorf("input %w", err))
	}
	if !info.IsDir() {
		return []string{in}, nil, nil
	}
	entries, err := os.ReadDir(in)
	if err != nil {
		return nil, nil, fail(exitMissing, fmt.Errorf("input folder %w", err))
	}
	for _, e := range entries {
		suffix := volumeSuffix(e.Name())
		if e.IsDir() || suffix == "" {
			continue
		}
		path := filepath.Join(in, e.Name())
		if strings.HasSuffix(e.Name()[:len(e.Name())-len(suffix)], outputMark) || deploy.IsLabels(path) {
			skipped = append(skipped, path)
			continue
		}
		found = append(found, path)
	}
	if len(found) == 0 {
		return nil, nil, failf(exitMissing, "input folder %s holds no volume (%s) besides %d earlier outputs", in,
			strings.Join(volumeSuffixes, ", "), len(skipped))
	}
	return found, skipped, nil
}

// nameOutputs names each input's output: o.out for a single input named so, else <input>_seg<suffix> beside the
// input or in the output folder, which it returns. Two inputs may not name the same output.
func nameOutputs(inputs []string, out string) (jobs []job, outDir string, err error) {
	if out != "" {
		info, statErr := os.Stat(out)
		if len(inputs) > 1 || statErr == nil && info.IsDir() || strings.HasSuffix(out, string(filepath.Separator)) {
			outDir = out
		} else {
			if volumeSuffix(out) == "" {
				return nil, "", failf(exitFormat, "output %s: %v %q (want .nii, .nii.gz, .mha or .mhd)", out,
					deploy.ErrUnsupportedOutput, filepath.Ext(out))
			}
			return []job{{in: inputs[0], out: out}}, "", nil
		}
	}
	jobs = make([]job, len(inputs))
	seen := map[string]string{}
	for i, in := range inputs {
		suffix := volumeSuffix(in)
		if suffix == "" {
			return nil, "", failf(exitFormat, "input %s: unknown file type %q (want %s)", in, filepath.Ext(in),
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
		jobs[i] = job{in: in, out: filepath.Join(dir, base[:len(base)-len(suffix)]+outputMark+outSuffix)}
		if other, dup := seen[jobs[i].out]; dup {
			return nil, "", failf(exitUsage, "inputs %s and %s would both write %s", other, in, jobs[i].out)
		}
		seen[jobs[i].out] = in
	}
	return jobs, outDir, nil
}

// protectedFiles lists the files gokd segment reads — the inputs with the data files their headers name, -truth
// and the model — which no output may replace.
func protectedFiles(inputs []string, o segmentOptions) []string {
	files := []string{o.model}
	for _, in := range append(slices.Clone(inputs), o.truth) {
		if in == "" {
			continue
		}
		files = append(files, in)
		if info, err := volume.ReadHeaderInfo(in); err == nil { // An unreadable header fails when read.
			files = append(files, info.DataFiles...)
		}
	}
	return files
}

// checkOutputs refuses an output file ([deploy.OutputFiles]: a .mhd's data file too) that is one of the files
// read, compared as files (same inode), not names, even with -force; and one that exists, without -force.
func checkOutputs(jobs []job, protected []string, force bool) error {
	for _, j := range jobs {
		for _, out := range deploy.OutputFiles(j.out) {
			if err := checkOutputFile(out, protected, force); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkOutputFile is checkOutputs for one file.
func checkOutputFile(out string, protected []string, force bool) error {
	outInfo, err := os.Stat(out)
	if err != nil {
		if _, lerr := os.Lstat(out); lerr == nil && !force { // A dangling link is in the way too.
			return failf(exitExists, "%s exists (use -force to replace it)", out)
		}
		return nil
	}
	for _, p := range protected {
		if info, err := os.Stat(p); err == nil && os.SameFile(info, outInfo) {
			return failf(exitUsage, "output %s is the input %s: gokd never writes over a file it reads, even with -force",
				out, p)
		}
	}
	if !force {
		return failf(exitExists, "%s exists (use -force to replace it)", out)
	}
	return nil
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
