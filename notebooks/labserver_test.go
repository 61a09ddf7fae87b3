package notebooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
	TrainImages []struct {
		Alt          string `json:"alt"`
		NaturalWidth int    `json:"naturalWidth"`
	} `json:"trainImages"`
	Error string `json:"error"`
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
