package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gokd/gokd/kd/deploy"
)

// runInfo is `gokd info`: what a model file says about itself.
func runInfo(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd info", flag.ContinueOnError)
	flags.SetOutput(stderr)
	asJSON := flags.Bool("json", false, "print the description as JSON")
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd info [-json] model.gokd\n\nPrints a model file's description: "+
			"architecture, preprocessing, provenance.\n\nflags:\n")
		flags.PrintDefaults()
	}
	if code, done := parseFlags(flags, args, true); done {
		return code
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return exitUsage
	}
	err := info(flags.Arg(0), *asJSON, stdout, stderr)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd info:", err)
	}
	return exitCode(err)
}

// info prints the description of the model file at path, once every checksum of the file, weights included,
// has been verified.
func info(path string, asJSON bool, stdout, stderr io.Writer) error {
	d, err := deploy.Verify(path)
	if err != nil {
		return modelReadError(err)
	}
	if warning := d.FormatWarning(); warning != "" {
		_, _ = fmt.Fprintf(stderr, "gokd info: warning: %s: %s\n", path, warning)
	}
	if asJSON {
		blob, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(blob))
		return err
	}
	a, p, v := d.Architecture, d.Preprocessing, d.Provenance
	var b strings.Builder
	fmt.Fprintf(&b, "model          %s (%s), %s format version %d, checksums verified\n", d.Name, d.Role, d.Format,
		d.Version)
	fmt.Fprintf(&b, "architecture   U-Net, %d levels, widths %v, %s convolutions, %s norm (%d groups), stem %d, "+
		"%d input channel(s), %d classes\n", a.Levels, a.Widths, a.Conv, a.Norm, a.Groups, a.Stem, a.InputChannels,
		a.Classes)
	fmt.Fprintf(&b, "parameters     %d\n", d.Parameters)
	fmt.Fprintf(&b, "preprocessing  reorient to %s, clip at percentiles %g–%g, %s per volume, axial slices resized "+
		"to %d×%d, %d channel(s)\n", p.Orientation, p.ClipLow, p.ClipHigh, p.Normalization, p.Size, p.Size, p.Channels)
	fmt.Fprintf(&b, "data           %s\n", v.Data)
	fmt.Fprintf(&b, "training       %d steps on backend %s; config %s\n", v.Steps, v.Backend, v.ConfigHash)
	names := make([]string, 0, len(v.Metrics))
	for name := range v.Metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "  %-14s %.4g\n", name, v.Metrics[name])
	}
	fmt.Fprintf(&b, "exported       %s by GoKD %s\n", v.Exported, v.GoKD)
	if v.Notes != "" {
		fmt.Fprintf(&b, "note           %s\n", v.Notes)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

// modelReadError gives an error reading a model file its exit status: a missing or unreadable file, or anything
// else (not a model, a damaged one).
func modelReadError(err error) error {
	if !errors.Is(err, deploy.ErrNotModel) && isFileSystemError(err) {
		return fail(exitMissing, err)
	}
	return fail(exitModel, err)
}
