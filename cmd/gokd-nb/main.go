package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
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
	for _, path := range notebooks {
		var ok bool
		if mode == "run" {
			ok = run(path, nbexec.Options{OutDir: outDir, HTML: html, CellTimeout: cellTimeout, Env: env})
		} else {
			ok = verify(path, nbexec.Options{OutDir: outDir, CellTimeout: cellTimeout, Env: env})
		}
		if !ok {
			status = 1
		}
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
	if values, err := r.Notebook.Results(); err == nil && values != nil {
		fmt.Printf("  results:  %v\n", values)
	}
	return true
}

func verify(path string, opts nbexec.Options) bool {
	committed, err := nbexec.Read(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	saved, err := committed.Results()
	if err != nil || saved == nil {
		fmt.Fprintf(os.Stderr, "%s: no saved GOKD_RESULT line to verify against (%v)\n", path, err)
		return false
	}
	fmt.Printf("re-executing %s ...\n", path)
	r, err := nbexec.Execute(context.Background(), path, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	fresh, err := r.Notebook.Results()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "  key\tsaved\tfresh\trule\tagree\n")
	allAgree := true
	for _, c := range nbexec.Compare(saved, fresh) {
		verdict := "yes"
		if !c.Agree {
			verdict, allAgree = "NO", false
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", c.Key, value(c.Saved, c.HasSaved), value(c.Fresh, c.HasFresh), c.Tolerance, verdict)
	}
	_ = w.Flush()
	fmt.Printf("%s: %s (fresh run %s, executed copy %s)\n", path, map[bool]string{true: "AGREES", false: "DISAGREES"}[allAgree],
		r.Wall.Round(time.Second), rel(r.Executed))
	return allAgree
}

func value(v float64, ok bool) string {
	if !ok {
		return "missing"
	}
	return fmt.Sprintf("%.6g", v)
}

func rel(path string) string {
	wd, _ := os.Getwd()
	if r, err := filepath.Rel(wd, path); err == nil {
		return r
	}
	return path
}
