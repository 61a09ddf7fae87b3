package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gokd/gokd/kernelext/nbexec"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "run" && os.Args[1] != "verify") {
		fmt.Fprintln(os.Stderr, "usage: gokd-nb run|verify [-out DIR] [-html] NOTEBOOK...")
		os.Exit(2)
	}
	mode := os.Args[1]
	flags := flag.NewFlagSet(mode, flag.ExitOnError)
	outDir := flags.String("out", "out", "folder for the executed notebooks")
	html := flags.Bool("html", false, "also export each executed notebook to HTML")
	cellTimeout := flags.Duration("cell-timeout", 20*time.Minute, "time limit of one cell")
	_ = flags.Parse(os.Args[2:])
	if flags.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "gokd-nb: no notebook given")
		os.Exit(2)
	}
	os.Exit(runAll(mode, flags.Args(), *outDir, *html, *cellTimeout))
}

// runAll runs or verifies every notebook and returns the exit status.
func runAll(mode string, notebooks []string, outDir string, html bool, cellTimeout time.Duration) int {
	var env []string
	if mode == "verify" && os.Getenv("GOKD_CACHE") == "" {
		// A fresh model cache, shared by the notebooks of this run: every number is recomputed, none reloaded.
		cache, err := os.MkdirTemp("", "gokd-verify-cache-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(cache)
		env = append(env, "GOKD_CACHE="+cache)
	}
	status := 0
	var summaries []string
	for _, path := range notebooks {
		ok := false
		if mode == "run" {
			ok = run(path, nbexec.Options{OutDir: outDir, HTML: html, CellTimeout: cellTimeout, Env: env})
		} else {
			var summary string
			ok, summary = verify(path, nbexec.Options{OutDir: outDir, CellTimeout: cellTimeout, Env: env})
			summaries = append(summaries, summary)
		}
		if !ok {
			status = 1
		}
	}
	if len(summaries) > 1 {
		fmt.Printf("\nverify summary:\n  %s\n", strings.Join(summaries, "\n  "))
	}
	return status
}

func run(path string, opts nbexec.Options) bool {
	fmt.Printf("executing %s ...\n", path)
	r, err := nbexec.Execute(context.Background(), path, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	fmt.Printf("executed in %s\n  notebook: %s\n", r.Wall.Round(time.Second), rel(r.Executed))
	if r.HTML != "" {
		fmt.Printf("  HTML:     %s\n", rel(r.HTML))
	}
	if result, err := r.Notebook.Results(); err == nil && result != nil {
		fmt.Printf("  results:  %v\n", result.Values)
		if len(result.Absent) > 0 {
			fmt.Printf("  %s: %v\n", nbexec.RuleDataAbsent, result.Absent)
		}
	}
	return true
}

// verify re-executes one committed notebook, prints its comparison table and verdict, and returns whether it
// agrees with the verdict line (an error's first line when it could not be compared).
func verify(path string, opts nbexec.Options) (bool, string) {
	fmt.Printf("re-executing %s ...\n", path)
	v, err := nbexec.Verify(context.Background(), path, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false, fmt.Sprintf("%s: FAILED: %s", path, strings.SplitN(err.Error(), "\n", 2)[0])
	}
	_ = v.WriteTable(os.Stdout)
	summary := v.Summary(rel(v.Run.Executed))
	fmt.Println(summary)
	return v.Agrees(), summary
}

func rel(path string) string {
	wd, _ := os.Getwd()
	if r, err := filepath.Rel(wd, path); err == nil {
		return r
	}
	return path
}
