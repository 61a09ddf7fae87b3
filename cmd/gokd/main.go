package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// subcommand is one verb of gokd: run parses args (without the verb) and returns the process exit code.
type subcommand struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// subcommands lists gokd's verbs by name.
var subcommands = map[string]subcommand{
	"backend":    {"print the compute backend chosen here (-why: and why)", runBackend},
	"experiment": {"train and compare teachers and students (the flagship experiment)", runExperiment},
	"export":     {"write a trained model of the experiment into one model file", runExport},
	"info":       {"print what a model file holds: architecture, preprocessing, provenance", runInfo},
	"segment":    {"segment MRI volumes with a model file, on the inputs' own grids", runSegment},
	"slurm":      {"run the experiment on a Slurm cluster: one job array per stage, sharing one cache", runSlurm},
}

func main() { os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr)) }

// dispatch runs the subcommand named by args[0].
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		_, _ = fmt.Fprintf(stderr, "gokd: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return sub.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(subcommands))
	for name := range subcommands {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: gokd <command> [flags]\n\ncommands:\n")
	for _, name := range names {
		fmt.Fprintf(&b, "  %-11s %s\n", name, subcommands[name].summary)
	}
	b.WriteString("\n'gokd <command> -h' prints a command's flags.\n")
	_, _ = io.WriteString(w, b.String())
}
