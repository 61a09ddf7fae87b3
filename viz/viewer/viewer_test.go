package viewer_test

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/gokd/gokd/viz/internal/testimage"
	"github.com/gokd/gokd/viz/palette"
	"github.com/gokd/gokd/viz/render"
	"github.com/gokd/gokd/viz/viewer"
)

// volume returns n synthetic size×size slices with truth and student masks; the first and last slices have an
// empty truth (no prostate), as in real volumes.
func volume(n, size int) (slices []render.Slice, truth, student [][]int32) {
	for i := range n {
		c := testimage.New(size, i)
		if i == 0 || i == n-1 {
			c.Truth = make([]int32, size*size)
		}
		slices, truth, student = append(slices, c.Slice), append(truth, c.Truth), append(student, c.Student)
	}
	return slices, truth, student
}

// element is a parsed HTML element: its name, attributes and, for scripts, its text.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse tokenises the viewer's HTML as XML (the viewer promises well-formed markup) and returns its elements.
func parse(t *testing.T, page string) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<page>" + page + "</page>"))
	d.Entity = xml.HTMLEntity
	var elements []element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("viewer HTML is not well formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			elements = append(elements, e)
		case xml.CharData:
			if n := len(elements); n > 0 && elements[n-1].name == "script" {
				elements[n-1].text += string(tok)
			}
		}
	}
	return elements
}

func byID(t *testing.T, elements []element, id string) element {
	t.Helper()
	for _, e := range elements {
		if e.attrs["id"] == id {
			return e
		}
	}
	t.Fatalf("no element with id %q", id)
	return element{}
}

// stripFrames reads the strip's images: base[k] is slice k's, layers[j][k] layer j's overlay ("" where empty).
func stripFrames(t *testing.T, elements []element, n, layers int) (data struct {
	Base   []string
	Layers [][]string
}) {
	t.Helper()
	data.Base = make([]string, n)
	for range layers {
		data.Layers = append(data.Layers, make([]string, n))
	}
	for _, e := range elements {
		k, err := strconv.Atoi(e.attrs["data-k"])
		if err != nil {
			continue
		}
		switch e.attrs["class"] {
		case "gokd-viewer-frame-base":
			data.Base[k] = e.attrs["src"]
		case "gokd-viewer-frame-layer":
			j, err := strconv.Atoi(e.attrs["data-layer"])
			if err != nil || j >= layers || k >= n {
				t.Fatalf("strip image %v: layer or slice out of range", e.attrs)
			}
			data.Layers[j][k] = e.attrs["src"]
		}
	}
	return data
}

func TestViewerStructure(t *testing.T) {
	const n, size = 10, 32
	slices, truth, student := volume(n, size)
	page, err := viewer.New(slices).ID("v1").Title("Case <00>").
		Layer("Ground truth", truth, palette.GroundTruth, render.Contour).
		Layer("Student", student, palette.Student, render.FillAndContour).
		Errors(truth, student).InitialSlice(3).HTML()
	if err != nil {
		t.Fatal(err)
	}
	elements := parse(t, page)
	if root := elements[1]; root.attrs["id"] != "v1" || root.attrs["data-slices"] != strconv.Itoa(n) {
		t.Errorf("root element %v, want id v1 with data-slices=%d", root.attrs, n)
	}
	slider := byID(t, elements, "v1-slider")
	if slider.attrs["type"] != "range" || slider.attrs["min"] != "0" || slider.attrs["max"] != strconv.Itoa(n-1) ||
		slider.attrs["value"] != "3" {
		t.Errorf("slider %v, want range 0..%d at 3", slider.attrs, n-1)
	}
	// The images live in the strip, the view shown where scripts do not run; the script reads them there.
	data := stripFrames(t, elements, n, 4)
	for k, uri := range data.Base {
		if !strings.HasPrefix(uri, "data:image/png;base64,") {
			t.Errorf("frame %d is not an inline PNG: %.40q", k, uri)
		}
	}
	if len(data.Layers) != 4 {
		t.Fatalf("%d layers, want GT, student, false positives, false negatives", len(data.Layers))
	}
	for k := range n {
		if empty := data.Layers[0][k] == ""; empty != (k == 0 || k == n-1) {
			t.Errorf("ground-truth frame %d empty=%v, want empty only where the mask is", k, empty)
		}
	}
	for _, e := range elements {
		if e.attrs["class"] == "gokd-viewer-frame-layer" {
			j, _ := strconv.Atoi(e.attrs["data-layer"])
			if hidden := strings.Contains(e.attrs["style"], "display:none"); hidden != (j >= 2) {
				t.Errorf("strip layer %d (%s) of slice %s: hidden=%v, want the layers as first shown", j,
					e.attrs["alt"], e.attrs["data-k"], hidden)
			}
		}
	}
	if live := byID(t, elements, "v1-live"); !strings.Contains(live.attrs["style"], "display:none") {
		t.Errorf("the live viewer is shown in the markup (%v): only its script may show it", live.attrs)
	}
	for j, wantChecked := range []bool{true, true, false, false} {
		box := byID(t, elements, "v1-toggle-"+strconv.Itoa(j))
		if box.attrs["type"] != "checkbox" || (box.attrs["checked"] != "") != wantChecked {
			t.Errorf("toggle %d = %v, want a checkbox checked=%v", j, box.attrs, wantChecked)
		}
		if img := byID(t, elements, "v1-layer-"+strconv.Itoa(j)); img.name != "img" {
			t.Errorf("layer %d image is a <%s>", j, img.name)
		}
	}
	if base := byID(t, elements, "v1-base"); base.attrs["src"] != data.Base[3] {
		t.Error("the markup does not show the initial slice (needed where scripts do not run)")
	}
	if !strings.Contains(page, "Case &lt;00&gt;") {
		t.Error("title not escaped")
	}
	for _, e := range elements {
		for _, attr := range []string{"src", "href"} {
			if v, ok := e.attrs[attr]; ok && v != "" && !strings.HasPrefix(v, "data:") {
				t.Errorf("<%s %s=%.40q> loads an external resource", e.name, attr, v)
			}
		}
	}
}

func TestViewerIDsUniqueAcrossViewers(t *testing.T) {
	slices, truth, _ := volume(3, 16)
	var page strings.Builder
	for range 2 {
		html, err := viewer.New(slices).Layer("GT", truth, palette.GroundTruth, render.Contour).HTML()
		if err != nil {
			t.Fatal(err)
		}
		page.WriteString(html)
	}
	seen := map[string]bool{}
	for _, e := range parse(t, page.String()) {
		if id := e.attrs["id"]; id != "" {
			if seen[id] {
				t.Errorf("id %q used twice in a page of two viewers", id)
			}
			seen[id] = true
		}
	}
	if len(seen) < 2*6 {
		t.Errorf("only %d ids in two viewers", len(seen))
	}
}

func TestViewerSizeBudget(t *testing.T) {
	slices, truth, student := volume(64, 128)
	v := viewer.New(slices).Layer("GT", truth, palette.GroundTruth, render.Contour).
		Layer("Student", student, palette.Student, render.FillAndContour)
	page, err := v.HTML()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("64 slices of 128², two layers: %d bytes", len(page))
	if len(page) > viewer.DefaultMaxBytes {
		t.Errorf("viewer is %d bytes, over the %d budget", len(page), viewer.DefaultMaxBytes)
	}
	const tight = 400_000
	small, err := v.MaxBytes(tight).HTML()
	if err != nil {
		t.Fatal(err)
	}
	if len(small) > tight {
		t.Errorf("tight budget: %d bytes, over the %d asked", len(small), tight)
	}
	if n := strings.Count(small, "data:image/"); n < 64 {
		t.Errorf("tight budget: %d inline images, want every one of the 64 slices", n)
	}
	if _, err := v.MaxBytes(1000).HTML(); err == nil {
		t.Error("impossible budget: no error")
	}
}

func TestViewerRejectsBadInput(t *testing.T) {
	slices, truth, _ := volume(4, 16)
	for name, v := range map[string]*viewer.Viewer{
		"no slices":       viewer.New(nil),
		"short layer":     viewer.New(slices).Layer("GT", truth[:2], palette.GroundTruth, render.Contour),
		"initial":         viewer.New(slices).InitialSlice(4),
		"id":              viewer.New(slices).ID(`x"y`),
		"errors mismatch": viewer.New(slices).Errors(truth, truth[:3]),
	} {
		if _, err := v.HTML(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// BenchmarkViewer64x128 builds the viewer of a 64-slice 128² volume with two layers.
func BenchmarkViewer64x128(b *testing.B) {
	slices, truth, student := volume(64, 128)
	v := viewer.New(slices).Layer("GT", truth, palette.GroundTruth, render.Contour).
		Layer("Student", student, palette.Student, render.FillAndContour)
	for b.Loop() {
		if _, err := v.HTML(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestViewerStripSurvivesSanitiser checks that the strip, the view shown where the script cannot run, is made only
// of what JupyterLab's sanitiser keeps in an untrusted notebook's HTML (its allow-lists, @jupyterlab/apputils
// sanitizer.ts): no script, style element, input or tabindex, and inline styles it keeps. The data-* attributes
// are read by the script only (the sanitiser drops them) and image-rendering is cosmetic (dropped too).
// notebooks.TestJupyterLabInChromium checks the strip in JupyterLab itself.
func TestViewerStripSurvivesSanitiser(t *testing.T) {
	slices, truth, student := volume(6, 16)
	page, err := viewer.New(slices).ID("v1").Layer("Ground truth", truth, palette.GroundTruth, render.Contour).
		Errors(truth, student).HTML()
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]bool{"div": true, "img": true, "span": true}
	attrs := map[string]bool{"class": true, "style": true, "alt": true, "src": true, "id": true, "data-k": true,
		"data-layer": true}
	styles := map[string]bool{"display": true, "position": true, "left": true, "top": true, "width": true,
		"height": true, "vertical-align": true, "color": true, "font": true, "font-size": true, "overflow-x": true,
		"overflow-y": true, "white-space": true, "background": true, "margin-top": true, "image-rendering": true}
	in := false
	frames := 0
	for _, e := range parse(t, page) {
		switch e.attrs["id"] {
		case "v1-strip":
			in = true
		case "v1-note", "":
		default:
			if in {
				t.Errorf("element %v inside the strip", e.attrs)
			}
		}
		if e.name == "script" {
			in = false
		}
		if !in {
			continue
		}
		if e.attrs["class"] == "gokd-viewer-frame" {
			frames++
		}
		if !tags[e.name] {
			t.Errorf("<%s> in the strip: JupyterLab's sanitiser removes it", e.name)
		}
		for a := range e.attrs {
			if !attrs[a] {
				t.Errorf("<%s %s> in the strip: JupyterLab's sanitiser removes the attribute", e.name, a)
			}
		}
		for _, decl := range strings.Split(e.attrs["style"], ";") {
			if prop, _, ok := strings.Cut(decl, ":"); ok && !styles[strings.TrimSpace(prop)] {
				t.Errorf("<%s style=%q> in the strip: JupyterLab's sanitiser removes %q", e.name, e.attrs["style"], prop)
			}
		}
	}
	if frames != len(slices) {
		t.Errorf("%d frames in the strip, want one per slice (%d)", frames, len(slices))
	}
}
