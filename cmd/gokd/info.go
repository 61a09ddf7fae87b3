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
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return exitUsage
	}
	err := info(flags.Arg(0), *asJSON, stdout)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gokd info:", err)
	}
	return exitCode(err)
}

func info(path string, asJSON bool, stdout io.Writer) error {
	d, err := deploy.ReadDescription(path)
	if err != nil {
		return modelReadError(err)
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
	fmt.Fprintf(&b, "model          %s (%s), %s format version %d\n", d.Name, d.Role, d.Format, d.Version)
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
