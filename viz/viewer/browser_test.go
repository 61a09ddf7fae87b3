package viewer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
	"github.com/gokd/gokd/viz/viewer"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// jupyterPath is the project's JupyterLab environment (make setup), from this package's folder.
	jupyterPath = "../../.venv/bin/jupyter"
)

// notebook returns an .ipynb (nbformat 4) with one code cell whose output is html as text/html display data,
// as GoNB leaves it in a saved notebook.
func notebook(html string) ([]byte, error) {
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gonb", "display_name": "Go (gonb)",
			"language": "go"}},
		"cells": []any{map[string]any{
			"cell_type": "code", "id": "viewer", "execution_count": 1, "metadata": map[string]any{},
			"source": []string{"%%\nviewer.New(slices).HTML()"},
			"outputs": []any{map[string]any{"output_type": "display_data", "metadata": map[string]any{},
				"data": map[string]any{"text/html": []string{html}}}},
		}},
	}
	return json.Marshal(nb)
}

// screenshot opens url in headless chromium and returns the decoded screenshot.
func screenshot(t *testing.T, dir, url, name string) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	shot := filepath.Join(dir, name+".png")
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "chromium-"+name), "--hide-scrollbars",
		"--run-all-compositor-stages-before-draw", "--virtual-time-budget=1000",
		"--window-size=700,700", "--screenshot="+shot, url)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, out)
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img
}

// differingPixels counts pixels whose colour differs noticeably between two same-sized screenshots.
func differingPixels(a, b image.Image) int {
	n := 0
	bounds := a.Bounds().Intersect(b.Bounds())
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			ca, cb := color.GrayModel.Convert(a.At(x, y)).(color.Gray), color.GrayModel.Convert(b.At(x, y)).(color.Gray)
			if max(ca.Y, cb.Y)-min(ca.Y, cb.Y) > 16 {
				n++
			}
		}
	}
	return n
}

// TestViewerInNbconvertExportInChromium checks the viewer end to end where it is hardest: a saved notebook
// exported by nbconvert and opened without a kernel. The URL fragment selects the slice through the viewer's
// own script, so differing screenshots prove that the script runs there and moves the slices.
func TestViewerInNbconvertExportInChromium(t *testing.T) {
	for _, tool := range []string{chromiumPath, jupyterPath} {
		if _, err := os.Stat(tool); err != nil {
			t.Skipf("%s is absent (make setup-test installs chromium and .venv/): skipping the browser test", tool)
		}
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	slices, truth, _ := volume(9, 48)
	html, err := viewer.New(slices).Renderer(render.New().Zoom(2)).DisplayWidth(480).
		Layer("Ground truth", truth, palette.GroundTruth, render.FillAndContour).HTML()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	nb, err := notebook(html)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "viewer.ipynb"), nb, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, jupyterPath, "nbconvert", "--to", "html", "--output-dir", dir,
		filepath.Join(dir, "viewer.ipynb"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	page := "file://" + filepath.Join(dir, "viewer.html")
	initial := screenshot(t, dir, page, "initial")
	first := screenshot(t, dir, page+"#slice=0", "first")
	last := screenshot(t, dir, page+"#slice=8", "last")
	// The image is 480×480 CSS pixels; a slice change redraws much of it.
	const minChanged = 2000
	if d := differingPixels(first, last); d < minChanged {
		t.Errorf("slices 0 and 8 differ in %d pixels of the screenshot, want ≥ %d: the slider did not move", d,
			minChanged)
	}
	if d := differingPixels(initial, first); d < minChanged {
		t.Errorf("initial slice 4 and slice 0 differ in %d pixels, want ≥ %d", d, minChanged)
	}
}
