package notebooks

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// The browser test's tools, as make setup-test installs them (paths from this package's folder).
const (
	labChromium   = "/usr/bin/chromium"
	labDriverDir  = "testdata/browser"
	labNotebook   = "01_quickstart.ipynb"
	labCellLimit  = 10 * time.Minute
	labPhaseLimit = 25 * time.Minute
)

// TestJupyterLabInChromium is the real-browser test: JupyterLab on 127.0.0.1 (random port, token), Chromium
// driven by Playwright (testdata/browser/drive.js) as a user: it opens 01_quickstart.ipynb, runs its set-up cells
// and the viewer cell on the GoNB kernel, moves the viewer with the slider's and the viewer's arrow keys, ticks a
// layer off and on, watches a live progress display during a short training cell, and saves. A second server,
// which never signed the notebook, then reopens it untrusted (as a notebook from a clone or an email is opened),
// and the test checks what still works there. Screenshots of every step go to out/lab/.
func TestJupyterLabInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no browser test")
	}
	node, err := exec.LookPath("node")
	missing := func(what string) {
		t.Skipf("browser test skipped: %s is absent (make setup-test installs Chromium, Node.js, Playwright and .venv/)", what)
	}
	switch {
	case err != nil:
		missing("node (Node.js)")
	case !exists(labChromium):
		missing(labChromium)
	case !exists(filepath.Join(labDriverDir, "node_modules", "playwright-core", "package.json")):
		missing(filepath.Join(labDriverDir, "node_modules", "playwright-core"))
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	jupyter := filepath.Join(repo, ".venv", "bin", "jupyter")
	if !exists(jupyter) {
		missing(jupyter + " (JupyterLab)")
	}
	if _, err := exec.LookPath("gonb"); err != nil {
		t.Fatal("the GoNB kernel (gonb) is not on PATH: run `make setup`")
	}
	out := filepath.Join(repo, "out", "lab")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	root := filepath.Join(work, "notebooks")
	cells, err := prepareLabNotebook(labNotebook, filepath.Join(root, labNotebook))
	if err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(work, "settings")
	if err := writeLabSettings(settings); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOKD_ROOT=" + repo, "GOKD_CACHE=" + filepath.Join(work, "cache"), "JUPYTER_RUNTIME_DIR=" + filepath.Join(work, "runtime")}
	if plugins := filepath.Join(repo, ".pjrt"); exists(plugins) {
		// The copy lives outside the repository, where GoKD looks for the XLA plugin make setup installed: point
		// the kernel at it, so that the backend is the one a user of this checkout gets.
		env = append(env, "PJRT_PLUGIN_LIBRARY_PATH="+plugins)
	}

	live := runLabPhase(t, labPhase{name: "live", jupyter: jupyter, node: node, root: root, settings: settings, work: work, out: out,
		env: env, cells: cells})
	saved, err := nbexec.Read(filepath.Join(root, labNotebook))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range saved.Errors() {
		t.Errorf("a cell failed in JupyterLab: %v", e)
	}
	checkLive(t, live, out)
	reopened := runLabPhase(t, labPhase{name: "reopened", jupyter: jupyter, node: node, root: root, settings: settings, work: work,
		out: out, env: env, cells: cells})
	checkReopened(t, reopened, out)
	if err := copyFile(filepath.Join(root, labNotebook), filepath.Join(out, "saved-"+labNotebook)); err != nil {
		t.Error(err)
	}
	t.Logf("screenshots, reports and the saved notebook: %s", out)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sliceLabel matches the viewer's label as its script writes it: "slice K / N-1".
var sliceLabel = regexp.MustCompile(`^slice (\d+) / (\d+)$`)

// minChanged is how many screenshot pixels must change for a slice change; a layer toggle changes fewer (the
// gland's outline and fill), minLayerChanged.
const (
	minChanged      = 2000
	minLayerChanged = 100
)

func checkLive(t *testing.T, r *labReport, out string) {
	t.Helper()
	steps := map[string]int{}
	for i, s := range r.Steps {
		steps[s.Step] = i
	}
	need := []string{"viewer-initial", "viewer-slider-right3", "viewer-keys-left5", "viewer-layer0-off",
		"viewer-layer0-on"}
	for _, name := range need {
		if _, ok := steps[name]; !ok {
			t.Fatalf("live phase recorded no %q step: %+v", name, r.Steps)
		}
	}
	at := func(name string) int { return steps[name] }
	first := r.Steps[at("viewer-initial")]
	if first.Base == nil || !first.Base.Visible || first.Base.NaturalWidth == 0 {
		t.Errorf("no slice image visible in the live viewer: %+v", first.Base)
	}
	label := func(name string) (k, last int) {
		s := r.Steps[at(name)]
		if s.Label == nil {
			t.Fatalf("%s: the viewer has no label", name)
		}
		m := sliceLabel.FindStringSubmatch(*s.Label)
		if m == nil {
			t.Fatalf("%s: label %q, want \"slice K / N\" (written by the viewer's script: did it run?)", name, *s.Label)
		}
		fmt.Sscan(m[1], &k)
		fmt.Sscan(m[2], &last)
		return k, last
	}
	k0, last := label("viewer-initial")
	if k, _ := label("viewer-slider-right3"); k != min(k0+3, last) {
		t.Errorf("three ArrowRight on the slider: slice %d, want %d", k, min(k0+3, last))
	}
	k1, _ := label("viewer-slider-right3")
	if k, _ := label("viewer-keys-left5"); k != max(k1-5, 0) {
		t.Errorf("five ArrowLeft on the viewer: slice %d, want %d", k, max(k1-5, 0))
	}
	diff := func(a, b string, want int, what string) {
		n, err := screenshotDiff(filepath.Join(out, r.Steps[at(a)].File), filepath.Join(out, r.Steps[at(b)].File))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d pixels changed between %s and %s", what, n, a, b)
		if n < want {
			t.Errorf("%s changed %d pixels of the viewer's screenshot, want ≥ %d: the viewer did not respond", what, n, want)
		}
	}
	diff("viewer-initial", "viewer-slider-right3", minChanged, "the slider's arrow keys")
	diff("viewer-slider-right3", "viewer-keys-left5", minChanged, "the viewer's arrow keys")
	diff("viewer-keys-left5", "viewer-layer0-off", minLayerChanged, "unticking the first layer")
	diff("viewer-layer0-off", "viewer-layer0-on", minLayerChanged, "ticking it again")
	if off := r.Steps[at("viewer-layer0-off")]; len(off.Layers) == 0 || off.Layers[0].Visible {
		t.Errorf("the first layer is still visible after unticking it: %+v", off.Layers)
	}

	// The progress display updated while the cell ran: several steps seen, increasing, up to the last.
	var seen []int
	for _, p := range r.Progress {
		seen = append(seen, p.Step)
	}
	t.Logf("progress steps seen while the training cell ran: %v", seen)
	if len(seen) < 3 {
		t.Errorf("the progress display showed %d distinct steps while training, want ≥ 3: it did not update live (%v)",
			len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Errorf("progress steps not increasing: %v", seen)
			break
		}
	}
	if !r.Saved {
		t.Error("the notebook was not saved")
	}
	// Reloaded from the server that saved (and so signed) it, the notebook is trusted: the live viewer is back.
	if i, ok := steps["viewer-reloaded"]; !ok {
		t.Error("live phase recorded no reload")
	} else if s := r.Steps[i]; !s.Live || s.Label == nil || !sliceLabel.MatchString(*s.Label) {
		t.Errorf("after saving and reloading, the viewer's script did not run (live viewer shown %v, label %s)",
			s.Live, deref(s.Label))
	} else {
		t.Logf("reloaded from the same server (trusted): live viewer at %s", *s.Label)
	}
	for _, c := range r.Console {
		t.Logf("browser console error: %s", c)
	}
}

// checkReopened checks the viewer of the reopened, untrusted notebook: JupyterLab strips its script (the live
// viewer stays hidden, its controls would be disabled anyway), and the strip shows every slice, moved through by
// scrolling: a sideways wheel (trackpad) and Shift+wheel must each bring other slices into view.
func checkReopened(t *testing.T, r *labReport, out string) {
	t.Helper()
	steps := map[string]int{}
	for i, s := range r.Steps {
		steps[s.Step] = i
		strip := "none"
		if s.Strip != nil {
			strip = fmt.Sprintf("%+v", *s.Strip)
		}
		t.Logf("reopened, %s: label %s, live viewer shown %v, slider %+v, toggles %+v, scripts %d, strip %s, note %q",
			s.Step, deref(s.Label), s.Live, s.Slider, s.Toggles, s.Scripts, strip, deref(s.Note))
	}
	t.Logf("reopened, training cell output: %q, pictures %+v", r.TrainOutput, r.TrainImages)
	if len(r.TrainImages) == 0 || r.TrainImages[0].NaturalWidth == 0 {
		t.Errorf("the reopened notebook does not show the training curves saved with it: %+v", r.TrainImages)
	}
	for _, name := range []string{"viewer-reopened", "strip-initial", "strip-wheel", "strip-shift-wheel", "strip-keys"} {
		if _, ok := steps[name]; !ok {
			t.Fatalf("reopened phase recorded no %q step (is the strip shown?): %+v", name, r.Steps)
		}
	}
	first := r.Steps[steps["viewer-reopened"]]
	if first.Scripts != 0 || first.Live {
		t.Errorf("the reopened notebook ran the viewer's script (%d scripts, live viewer shown %v): was it trusted?",
			first.Scripts, first.Live)
	}
	if first.Strip == nil || !first.Strip.Visible || first.Strip.Frames < 2 {
		t.Fatalf("the reopened viewer shows no slice strip: %+v", first.Strip)
	}
	scrolled := func(a, b, how string) {
		sa, sb := r.Steps[steps[a]].Strip, r.Steps[steps[b]].Strip
		n, err := screenshotDiff(filepath.Join(out, r.Steps[steps[a]].File), filepath.Join(out, r.Steps[steps[b]].File))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: strip scrolled from %.0f to %.0f px, %d pixels changed", how, sa.ScrollLeft, sb.ScrollLeft, n)
		if sb.ScrollLeft <= sa.ScrollLeft || n < minChanged {
			t.Errorf("%s did not move the strip (scroll %.0f → %.0f px, %d pixels changed, want ≥ %d)", how,
				sa.ScrollLeft, sb.ScrollLeft, n, minChanged)
		}
	}
	scrolled("strip-initial", "strip-wheel", "a sideways wheel (trackpad)")
	scrolled("strip-wheel", "strip-shift-wheel", "Shift+wheel")
	a, b := r.Steps[steps["strip-shift-wheel"]].Strip, r.Steps[steps["strip-keys"]].Strip
	t.Logf("the arrow keys after a click on the strip (not required): scroll %.0f → %.0f px", a.ScrollLeft, b.ScrollLeft)
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
