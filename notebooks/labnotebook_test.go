package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// labTrainingCell is the short training cell the test adds after the viewer: a small model trained live (the
// server's GOKD_CACHE is empty), so that its progress display updates while the test watches.
const labTrainingCell = `%%
c := experiment.Default()
c.Data.Sites, c.Data.CasesPerSite = 2, 6
c.Train.TeacherSteps = 100
kernelext.Must1(kernelext.NewExperiment(c).Teacher())
fmt.Println("browser test: training done")`

// labCells are the indexes of the cells the browser test runs and inspects.
type labCells struct {
	Run    []int `json:"run"`    // Run first, in order: the set-up cells and the one defining the samples.
	Viewer int   `json:"viewer"` // Shows the slice viewer.
	Train  int   `json:"train"`  // The added training cell.
}

// prepareLabNotebook copies the notebook at src to dst with its outputs cleared (so every output the test sees
// is fresh) and labTrainingCell added after the viewer cell, and returns the cells to run. The copy lives outside
// the repository: its set-up cell finds GoKD through $GOKD_ROOT, as a user's own notebook does.
func prepareLabNotebook(src, dst string) (labCells, error) {
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
				if !strings.Contains(source, setupWorkUse) {
					return cells, fmt.Errorf("%s: the set-up cell no longer holds %q:\n%s", src, setupWorkUse, source)
				}
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
