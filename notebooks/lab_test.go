package notebooks

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gokd/gokd/kernelext/nbexec"
)

// The browser test's tools, as make setup-test installs them (paths from this package's folder).
const (
	labChromium   = "/usr/bin/chromium"
	labJupyter    = "../.venv/bin/jupyter" // Relative to this package's folder: made absolute before use.
	labDriverDir  = "testdata/browser"
	labNotebook   = "01_quickstart.ipynb"
	labCellLimit  = 10 * time.Minute
	labPhaseLimit = 25 * time.Minute
)

// labTrainingCell is the short training cell the test adds after the viewer: a small model trained live (the
// server's GOKD_CACHE is empty), so that its progress display updates while the test watches.
const labTrainingCell = `%%
c := experiment.Default()
c.Data.Sites, c.Data.CasesPerSite = 2, 6
c.Train.TeacherSteps = 60
kernelext.Must1(kernelext.NewExperiment(c).Teacher())
fmt.Println("browser test: training done")`

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
	case !exists(labJupyter):
		missing(labJupyter)
	}
	if _, err := exec.LookPath("gonb"); err != nil {
		t.Fatal("the GoNB kernel (gonb) is not on PATH: run `make setup`")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	jupyter := filepath.Join(repo, ".venv", "bin", "jupyter")
	out := filepath.Join(repo, "out", "lab")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	root := filepath.Join(work, "notebooks")
	cells, err := prepareLabNotebook(labNotebook, filepath.Join(root, labNotebook), repo)
	if err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(work, "settings")
	if err := writeLabSettings(settings); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOKD_CACHE=" + filepath.Join(work, "cache"), "JUPYTER_RUNTIME_DIR=" + filepath.Join(work, "runtime")}

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

// labCells are the indexes of the cells the browser test runs and inspects.
type labCells struct {
	Run    []int `json:"run"`    // Run first, in order: the set-up cells and the one defining the samples.
	Viewer int   `json:"viewer"` // Shows the slice viewer.
	Train  int   `json:"train"`  // The added training cell.
}

// prepareLabNotebook copies the notebook at src to dst with its outputs cleared (so every output the test sees
// is fresh), the set-up cell pointed at repo (the copy lives outside the repository) and labTrainingCell added
// after the viewer cell, and returns the cells to run.
func prepareLabNotebook(src, dst, repo string) (labCells, error) {
	var cells labCells
	blob, err := os.ReadFile(src)
	if err != nil {
		return cells, err
	}
	var nb map[string]any
	if err := json.Unmarshal(blob, &nb); err != nil {
		return cells, fmt.Errorf("%s: %w", src, err)
	}
	raw, _ := nb["cells"].([]any)
	var kept []any
	code := 0
	cells.Viewer, cells.Train = -1, -1
	for _, c := range raw {
		cell, _ := c.(map[string]any)
		source := joinSource(cell["source"])
		if cell["cell_type"] == "code" {
			cell["outputs"], cell["execution_count"] = []any{}, nil
			switch {
			case code == 0:
				if !strings.Contains(source, `"${GONB_DIR}/.."`) {
					return cells, fmt.Errorf("%s: the set-up cell no longer uses \"${GONB_DIR}/..\":\n%s", src, source)
				}
				source = strings.ReplaceAll(source, `"${GONB_DIR}/.."`, fmt.Sprintf("%q", repo))
				cell["source"] = source
				cells.Run = append(cells.Run, len(kept))
			case code == 1, strings.Contains(source, "func quickSamples()"):
				cells.Run = append(cells.Run, len(kept))
			case strings.Contains(source, "kernelext.ShowCase(") && cells.Viewer < 0:
				cells.Viewer = len(kept)
				kept = append(kept, cell)
				cells.Train = len(kept)
				kept = append(kept, map[string]any{"cell_type": "code", "id": "browser-test-training",
					"metadata": map[string]any{}, "source": labTrainingCell, "outputs": []any{}, "execution_count": nil})
				code++
				continue
			}
			code++
		}
		kept = append(kept, cell)
	}
	if len(cells.Run) != 3 || cells.Viewer < 0 {
		return cells, fmt.Errorf("%s: want the set-up cells, the quickSamples cell and a ShowCase viewer cell; found cells %+v",
			src, cells)
	}
	nb["cells"] = kept
	if blob, err = json.MarshalIndent(nb, "", " "); err != nil {
		return cells, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return cells, err
	}
	return cells, os.WriteFile(dst, blob, 0o644)
}

func joinSource(s any) string {
	switch v := s.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, line := range v {
			b.WriteString(fmt.Sprint(line))
		}
		return b.String()
	}
	return ""
}

// writeLabSettings writes the test's own JupyterLab user settings: every cell attached to the page (no
// windowing), no news or update checks. The user's settings are neither read nor changed.
func writeLabSettings(dir string) error {
	files := map[string]string{
		"@jupyterlab/notebook-extension/tracker.jupyterlab-settings":      `{"windowingMode": "none"}`,
		"@jupyterlab/apputils-extension/notification.jupyterlab-settings": `{"fetchNews": "false", "checkForUpdates": false}`,
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// labPhase is one JupyterLab server and one run of drive.js against it.
type labPhase struct {
	name, jupyter, node, root, settings, work, out string
	env                                            []string
	cells                                          labCells
}

// labReport is what drive.js recorded (see its viewerState).
type labReport struct {
	Phase        string `json:"phase"`
	Kernel       string `json:"kernel"`
	KernelMS     int    `json:"kernelMs"`
	KernelStatus string `json:"kernelStatus"`
	Steps        []struct {
		Step   string  `json:"step"`
		File   string  `json:"file"`
		Label  *string `json:"label"`
		Slider *struct {
			Value             string
			Disabled, Visible bool
		} `json:"slider"`
		Base *struct {
			Visible      bool `json:"visible"`
			NaturalWidth int  `json:"naturalWidth"`
		} `json:"base"`
		Layers []struct {
			Alt     string `json:"alt"`
			Visible bool   `json:"visible"`
		} `json:"layers"`
		Toggles []struct{ Checked, Disabled bool } `json:"toggles"`
		Live    bool                               `json:"live"` // The live viewer (shown by its script).
		Note    *string                            `json:"note"` // The strip's note, when shown.
		Scripts int                                `json:"scripts"`
		Strip   *struct {
			Visible    bool `json:"visible"`
			ScrollLeft float64
			Frames     int `json:"frames"`
		} `json:"strip"`
		Text string `json:"text"`
	} `json:"steps"`
	Cells map[string]struct {
		MS     int
		Text   string
		Stderr []string
	} `json:"cells"`
	Progress []struct {
		MS    int    `json:"ms"`
		Step  int    `json:"step"`
		Total int    `json:"total"`
		Text  string `json:"text"`
	} `json:"progress"`
	Console     []string `json:"console"`
	Saved       bool     `json:"saved"`
	TrainOutput string   `json:"trainOutput"`
	Error       string   `json:"error"`
}

// runLabPhase starts JupyterLab, runs drive.js for the phase, stops the server and returns the report.
func runLabPhase(t *testing.T, p labPhase) *labReport {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	var tok [16]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	ctx, cancel := context.WithTimeout(context.Background(), labPhaseLimit)
	defer cancel()
	if err := os.MkdirAll(filepath.Join(p.work, "notary-"+p.name), 0o700); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(p.out, "server-"+p.name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	args := []string{"lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
		fmt.Sprintf("--ServerApp.port=%d", port), "--ServerApp.port_retries=0",
		"--IdentityProvider.token=" + token, "--ServerApp.root_dir=" + p.root,
		"--LabApp.user_settings_dir=" + p.settings, "--LabApp.workspaces_dir=" + filepath.Join(p.work, "workspaces"),
		// A notary of its own, in memory: the second server has never signed what the first one saved.
		"--NotebookNotary.db_file=:memory:", "--NotebookNotary.data_dir=" + filepath.Join(p.work, "notary-"+p.name)}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root") // CI runs the suite as root.
	}
	server := exec.Command(p.jupyter, args...)
	server.Dir = p.root // GoNB takes the notebook's folder (GONB_DIR) from the server's working directory.
	server.Env = append(os.Environ(), p.env...)
	server.Stdout, server.Stderr = logFile, logFile
	// Its own process group, so the kernels it starts are stopped with it; and stopped with the test binary, even
	// when that is killed (a test timeout runs no deferred call).
	server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := server.Start(); err != nil {
		t.Fatalf("starting JupyterLab: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	defer stopServer(t, server, exited)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitServer(ctx, base, token, exited); err != nil {
		t.Fatalf("JupyterLab did not start: %v\n%s", err, tailFile(logPath, 30))
	}
	cellsJSON, _ := json.Marshal(p.cells)
	drive := exec.CommandContext(ctx, p.node, "drive.js")
	drive.Dir = labDriverDir
	drive.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // Playwright then closes Chromium.
	drive.Env = append(os.Environ(), "GOKD_LAB_URL="+base, "GOKD_LAB_TOKEN="+token,
		"GOKD_LAB_NOTEBOOK="+labNotebook, "GOKD_LAB_OUT="+p.out, "GOKD_LAB_PHASE="+p.name,
		"GOKD_LAB_CELLS="+string(cellsJSON), "GOKD_CHROMIUM="+labChromium,
		fmt.Sprintf("GOKD_LAB_CELL_MS=%d", labCellLimit.Milliseconds()))
	driveLog := filepath.Join(p.out, "drive-"+p.name+".log")
	driveFile, err := os.Create(driveLog) // Follow the phase there while it runs.
	if err != nil {
		t.Fatal(err)
	}
	defer driveFile.Close()
	drive.Stdout, drive.Stderr = driveFile, driveFile
	start := time.Now()
	err = drive.Run()
	t.Logf("%s phase (%s):\n%s", p.name, time.Since(start).Round(time.Second), tailFile(driveLog, 100))
	report := &labReport{}
	if blob, rerr := os.ReadFile(filepath.Join(p.out, p.name+".json")); rerr == nil {
		if jerr := json.Unmarshal(blob, report); jerr != nil {
			t.Fatalf("%s.json: %v", p.name, jerr)
		}
	}
	if err != nil {
		t.Fatalf("%s phase failed: %v (%s)\nserver log tail:\n%s", p.name, err, report.Error, tailFile(logPath, 30))
	}
	return report
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitServer polls JupyterLab's status API until it answers.
func waitServer(ctx context.Context, base, token string, exited chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/status", nil)
		req.Header.Set("Authorization", "token "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			exited <- err // For stopServer.
			return fmt.Errorf("the server exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// stopServer asks JupyterLab to stop (it shuts its kernels down), then kills what is left of its process group.
func stopServer(t *testing.T, server *exec.Cmd, exited chan error) {
	_ = syscall.Kill(-server.Process.Pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Logf("JupyterLab did not stop in 20 s: killing it")
		_ = syscall.Kill(-server.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	_ = syscall.Kill(-server.Process.Pid, syscall.SIGKILL) // Any kernel left behind.
}

func tailFile(path string, lines int) string {
	blob, _ := os.ReadFile(path)
	all := strings.Split(strings.TrimRight(string(blob), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

func copyFile(src, dst string) error {
	blob, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, blob, 0o644)
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
	t.Logf("reopened, training cell output: %q", r.TrainOutput)
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

// screenshotDiff counts pixels whose grey level differs by more than 16 between two PNG screenshots.
func screenshotDiff(a, b string) (int, error) {
	ia, err := decodePNG(a)
	if err != nil {
		return 0, err
	}
	ib, err := decodePNG(b)
	if err != nil {
		return 0, err
	}
	n := 0
	bounds := ia.Bounds().Intersect(ib.Bounds())
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			ga := color.GrayModel.Convert(ia.At(x, y)).(color.Gray).Y
			gb := color.GrayModel.Convert(ib.At(x, y)).(color.Gray).Y
			if max(ga, gb)-min(ga, gb) > 16 {
				n++
			}
		}
	}
	return n, nil
}

func decodePNG(path string) (image.Image, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}
