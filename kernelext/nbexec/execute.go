package nbexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Options configure Execute.
type Options struct {
	// OutDir receives the executed notebook (same file name) and, with HTML, its HTML export. Required.
	OutDir string
	// CellTimeout bounds each cell's execution; 0 means 20 minutes.
	CellTimeout time.Duration
	// HTML also exports the executed notebook to HTML.
	HTML bool
	// Env adds "KEY=value" variables to the kernel's environment (e.g. GOKD_CACHE).
	Env []string
}

// Run is what Execute produced.
type Run struct {
	Executed string        // Path of the executed notebook.
	HTML     string        // Path of the HTML export ("" without Options.HTML).
	Notebook *Notebook     // The executed notebook, parsed.
	Wall     time.Duration // Wall time of the execution.
}

// Jupyter returns the jupyter command to use: the project's own, .venv/bin/jupyter in the working directory or
// the nearest folder above it (make setup installs the pinned JupyterLab and nbconvert there); else the one on
// PATH; else Debian's /usr/bin/jupyter.
func Jupyter() (string, error) {
	if dir, err := os.Getwd(); err == nil {
		for {
			p := filepath.Join(dir, ".venv", "bin", "jupyter")
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if p, err := exec.LookPath("jupyter"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/jupyter"); err == nil {
		return "/usr/bin/jupyter", nil
	}
	return "", errors.New("jupyter not found (.venv/bin/jupyter in this folder or above, PATH, /usr/bin/jupyter): " +
		"run `make setup`, which installs JupyterLab and nbconvert into .venv/ and registers the GoNB kernel")
}

// Execute runs every cell of the notebook at path, headless, in the notebook's own folder (so relative paths and
// go.work in its first cell resolve as in an interactive session), and writes the executed copy into
// opts.OutDir, with the absolute paths of the repository in its outputs made relative (RelativePaths). It returns
// an error naming the failed cell, with its source and error, when any cell fails.
func Execute(ctx context.Context, path string, opts Options) (*Run, error) {
	if opts.OutDir == "" {
		return nil, errors.New("nbexec: Options.OutDir is required")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("nbexec: notebook %w", err)
	}
	jupyter, err := Jupyter()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("nbexec: creating output folder: %w", err)
	}
	timeout := opts.CellTimeout
	if timeout == 0 {
		timeout = 20 * time.Minute
	}
	outDir, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return nil, err
	}
	run := &Run{Executed: filepath.Join(outDir, filepath.Base(path))}
	start := time.Now()
	cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout="+strconv.Itoa(int(timeout.Seconds())),
		"--ExecutePreprocessor.kernel_name=gonb",
		"--output-dir", outDir, "--output", filepath.Base(path), path)
	cmd.Env = append(os.Environ(), opts.Env...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err = cmd.Run()
	run.Wall = time.Since(start)
	if err != nil {
		return run, fmt.Errorf("nbexec: executing %s failed after %s: %w\n%s", path, run.Wall.Round(time.Second), err,
			cellExecutionError(log.String()))
	}
	if err := relativizeNotebook(run.Executed, path); err != nil {
		return run, err
	}
	if run.Notebook, err = Read(run.Executed); err != nil {
		return run, err
	}
	if cellErrs := run.Notebook.Errors(); len(cellErrs) > 0 {
		errs := make([]error, len(cellErrs))
		for i, e := range cellErrs {
			errs[i] = e
		}
		return run, fmt.Errorf("nbexec: %s: %w", path, errors.Join(errs...))
	}
	if opts.HTML {
		cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "html", "--output-dir", outDir, run.Executed)
		if out, err := cmd.CombinedOutput(); err != nil {
			return run, fmt.Errorf("nbexec: exporting %s to HTML: %w\n%s", run.Executed, err, tail(string(out), 20))
		}
		run.HTML = strings.TrimSuffix(run.Executed, filepath.Ext(run.Executed)) + ".html"
	}
	return run, nil
}

// kernelLogLine matches the GoNB kernel's own log lines (klog format), noise around the cell error.
var kernelLogLine = regexp.MustCompile(`^[IWEF]\d{4} \d`)

// cellExecutionError extracts nbconvert's report of the failed cell (its source and error) from its output,
// dropping the kernel's log lines; or the output's tail when there is no such report.
func cellExecutionError(log string) string {
	if i := strings.Index(log, "An error occurred while executing the following cell"); i >= 0 {
		log = log[i:]
	}
	var kept []string
	for _, line := range strings.Split(log, "\n") {
		if !kernelLogLine.MatchString(line) {
			kept = append(kept, line)
		}
	}
	return tail(strings.Join(kept, "\n"), 60)
}
