package kernelext

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gokd/gokd/viz/chart"
	"github.com/gokd/gokd/viz/table"
	"github.com/gokd/gokd/viz/viewer"
)

// DisplayPNG shows PNG bytes inline, or writes them to OutDir()/name.png.
func DisplayPNG(name string, data []byte) error {
	if front.IsNotebook() {
		front.DisplayPNG(data)
		return nil
	}
	return writeOutput(textOut, name, "png", data)
}

// DisplayImage shows an image (a render, a comparison grid, a montage) inline, or writes it to
// OutDir()/name.png.
func DisplayImage(name string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("display %q: encoding PNG: %w", name, err)
	}
	return DisplayPNG(name, buf.Bytes())
}

// DisplayHTML shows an HTML fragment inline, or writes it as a standalone page to OutDir()/name.html.
func DisplayHTML(name, fragment string) error {
	if front.IsNotebook() {
		front.DisplayHTML(fragment)
		return nil
	}
	page := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(name) +
		"</title></head><body>\n" + fragment + "\n</body></html>\n"
	return writeOutput(textOut, name, "html", []byte(page))
}

// DisplaySVG shows an SVG image inline (wrapped in HTML, which survives nbconvert better than image/svg+xml),
// or writes it to OutDir()/name.svg.
func DisplaySVG(name string, svg []byte) error {
	if front.IsNotebook() {
		front.DisplayHTML("<div>" + string(svg) + "</div>")
		return nil
	}
	return writeOutput(textOut, name, "svg", svg)
}

// DisplayFigure shows a chart inline as an HTML image (its PNG at twice its display size: sharp on high-DPI
// screens), or writes the PNG to OutDir()/name.png.
func DisplayFigure(name string, f *chart.Figure) error {
	if front.IsNotebook() {
		img, err := f.HTML(name)
		if err != nil {
			return fmt.Errorf("display %q: %w", name, err)
		}
		front.DisplayHTML("<div>" + img + "</div>")
		return nil
	}
	data, err := f.PNG()
	if err != nil {
		return fmt.Errorf("display %q: %w", name, err)
	}
	return DisplayPNG(name, data)
}

// DisplayTable shows a results table inline as HTML, or prints it as aligned text.
func DisplayTable(t *table.Table) error {
	if front.IsNotebook() {
		front.DisplayHTML(t.HTML())
		return nil
	}
	_, err := io.WriteString(textOut, t.Text())
	return err
}

// DisplayViewer shows a slice viewer inline, or writes it as a standalone page to OutDir()/name.html (open it in
// a browser).
func DisplayViewer(name string, v *viewer.Viewer) error {
	fragment, err := v.HTML()
	if err != nil {
		return fmt.Errorf("display %q: %w", name, err)
	}
	return DisplayHTML(name, fragment)
}

// writeOutput writes data to OutDir()/name.ext and says so on w.
func writeOutput(w io.Writer, name, ext string, data []byte) error {
	dir := OutDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("display %q: %w", name, err)
	}
	path := filepath.Join(dir, fileName(name)+"."+ext)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("display %q: %w", name, err)
	}
	_, err := fmt.Fprintf(w, "GoKD: wrote %s\n", path)
	return err
}

// fileName makes a display name safe as a file name: letters, digits, '.', '-' and '_' kept, anything else '_'.
func fileName(name string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, strings.TrimSpace(name))
	if strings.Trim(safe, "._") == "" {
		return "output"
	}
	return safe
}
