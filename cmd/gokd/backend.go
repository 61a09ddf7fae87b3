package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/gokd/gokd/backend"
)

// runBackend is `gokd backend`: it prints the backend GoKD chooses here ($GOMLX_BACKEND, else XLA's CPU plugin when
// installed and this binary can load it, else the pure-Go backend), and with -why the reason, so that scripts (the
// Makefile's test target) and users see the same choice as the library.
func runBackend(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gokd backend", flag.ContinueOnError)
	flags.SetOutput(stderr)
	why := flags.Bool("why", false, "also print why this backend is chosen")
	flags.Usage = func() {
		_, _ = fmt.Fprint(stderr, "usage: gokd backend [-why]\n\nPrints the compute backend chosen here.\n\nflags:\n")
		flags.PrintDefaults()
	}
	if code, done := parseFlags(flags, args, false); done {
		return code
	}
	config, reason := backend.Choose()
	_, _ = fmt.Fprintln(stdout, config)
	if *why {
		_, _ = fmt.Fprintln(stdout, reason)
	}
	return exitOK
}
