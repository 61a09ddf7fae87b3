package kernelext

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/viz/table"
)

// recorder is a notebook front end that records what would be displayed.
type recorder struct {
	notebook bool
	html     []string
	pngs     [][]byte
	updates  []update
}

type update struct{ id, html string }

func (r *recorder) IsNotebook() bool           { return r.notebook }
func (r *recorder) DisplayHTML(html string)    { r.html = append(r.html, html) }
func (r *recorder) DisplayPNG(png []byte)      { r.pngs = append(r.pngs, png) }
func (r *recorder) UpdateHTML(id, html string) { r.updates = append(r.updates, update{id, html}) }

// fakeFrontEnd routes displays and text to a recorder and a buffer for the test's duration, and sends files to a
// temporary OutDir.
func fakeFrontEnd(t *testing.T, notebook bool) (*recorder, *bytes.Buffer, string) {
	rec, text, dir := &recorder{notebook: notebook}, &bytes.Buffer{}, t.TempDir()
	oldFront, oldText := front, textOut
	front, textOut = rec, text
	t.Cleanup(func() { front, textOut = oldFront, oldText })
	t.Setenv(EnvOutDir, dir)
	return rec, text, dir
}

func TestDisplayOutsideNotebookWritesFiles(t *testing.T) {
	rec, text, dir := fakeFrontEnd(t, false)
	if err := DisplayImage("comparison grid/1", image.NewGray(image.Rect(0, 0, 7, 5))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "comparison_grid_1.png")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no file written: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 7 || img.Bounds().Dy() != 5 {
		t.Errorf("written image: %v, %v; want a 7×5 PNG", img.Bounds(), err)
	}
	if !strings.Contains(text.String(), path) {
		t.Errorf("output %q does not say where the file went", text.String())
	}
	if err := DisplayHTML("viewer", "<b>hi</b>"); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "viewer.html"))
	if err != nil || !strings.Contains(string(page), "<body>\n<b>hi</b>") {
		t.Errorf("HTML page %q, %v", page, err)
	}
	tab := table.New("model", "Dice")
	if err := tab.Add("student", 0.8); err != nil {
		t.Fatal(err)
	}
	text.Reset()
	if err := DisplayTable(tab); err != nil {
		t.Fatal(err)
	}
	if text.String() != tab.Text() {
		t.Errorf("table printed as %q, want its Text()", text.String())
	}
	if len(rec.html)+len(rec.pngs)+len(rec.updates) != 0 {
		t.Error("displayed inline outside a notebook")
	}
}

func TestDisplayInNotebookGoesInline(t *testing.T) {
	rec, text, dir := fakeFrontEnd(t, true)
	if err := DisplayImage("x", image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	if err := DisplaySVG("x", []byte("<svg></svg>")); err != nil {
		t.Fatal(err)
	}
	if len(rec.pngs) != 1 || len(rec.html) != 1 || !strings.Contains(rec.html[0], "<svg></svg>") {
		t.Errorf("inline displays: %d PNGs, HTML %q", len(rec.pngs), rec.html)
	}
	if _, err := png.Decode(bytes.NewReader(rec.pngs[0])); err != nil {
		t.Errorf("inline PNG does not decode: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 || text.Len() != 0 {
		t.Errorf("in a notebook, wrote %d files and printed %q", len(entries), text.String())
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{"Dice per site": "Dice_per_site", "../etc": ".._etc", "": "output",
		"a.b-c_d": "a.b-c_d", "é": "output"} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
