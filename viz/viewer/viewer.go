package viewer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"

	"github.com/gokd/gokd/viz/render"
)

// Layer is one toggleable mask layer across the volume: Masks[i] is slice i's mask (nil when empty).
type Layer struct {
	Name   string
	Masks  [][]int32
	Color  color.NRGBA
	Style  render.Style
	Hidden bool // Initially unchecked.
}

// Viewer configures a slice viewer. Create it with [New], configure it with its setters, and call
// [Viewer.HTML]. Configuration errors are reported by HTML.
type Viewer struct {
	slices       []render.Slice
	layers       []Layer
	renderer     *render.Renderer
	title        string
	id           string
	initial      int
	maxBytes     int
	displayWidth int
	err          error
}

// DefaultMaxBytes bounds a viewer's HTML: notebooks with many multi-megabyte outputs become slow to open.
const DefaultMaxBytes = 2 << 20

// New returns a viewer of the slices of one volume (in order, e.g. inferior to superior), starting at the middle
// slice, rendered with [render.New] at its native size and shown 384 pixels wide.
func New(slices []render.Slice) *Viewer {
	return &Viewer{slices: slices, renderer: render.New(), initial: len(slices) / 2, maxBytes: DefaultMaxBytes,
		displayWidth: 384}
}

// Layer adds a toggleable mask layer; masks holds one mask per slice (nil for none).
func (v *Viewer) Layer(name string, masks [][]int32, c color.NRGBA, style render.Style) *Viewer {
	v.layers = append(v.layers, Layer{Name: name, Masks: masks, Color: c, Style: style})
	return v
}

// Layers adds fully specified layers, e.g. initially hidden ones.
func (v *Viewer) Layers(layers ...Layer) *Viewer {
	v.layers = append(v.layers, layers...)
	return v
}

// Errors adds two initially hidden layers, false positives and false negatives of prediction against
// truth (one mask per slice each), in the palette's error colours.
func (v *Viewer) Errors(truth, prediction [][]int32) *Viewer {
	if len(truth) != len(prediction) {
		v.err = fmt.Errorf("viewer: error layers: %d truth masks, %d predictions", len(truth), len(prediction))
		return v
	}
	fp, fn := make([][]int32, len(truth)), make([][]int32, len(truth))
	var fpLayer, fnLayer render.Layer
	for i := range truth {
		var err error
		if fpLayer, fnLayer, err = render.ErrorLayers(truth[i], prediction[i]); err != nil {
			v.err = fmt.Errorf("viewer: error layers, slice %d: %w", i, err)
			return v
		}
		fp[i], fn[i] = fpLayer.Mask, fnLayer.Mask
	}
	return v.Layers(
		Layer{Name: fpLayer.Name, Masks: fp, Color: fpLayer.Color, Style: render.Fill, Hidden: true},
		Layer{Name: fnLayer.Name, Masks: fn, Color: fnLayer.Color, Style: render.Fill, Hidden: true})
}

// Renderer sets the renderer (window, zoom, interpolation, fill opacity). Without a fixed window, one window
// is computed over the whole volume.
func (v *Viewer) Renderer(r *render.Renderer) *Viewer {
	v.renderer = r
	return v
}

// Title sets a title shown above the image.
func (v *Viewer) Title(title string) *Viewer {
	v.title = title
	return v
}

// ID sets the viewer's element id (letters, digits, '-' and '_'); by default it is random, so that several
// viewers never clash in one page.
func (v *Viewer) ID(id string) *Viewer {
	v.id = id
	return v
}

// InitialSlice sets the slice shown first. A URL fragment "#slice=K" (or "#<id>=K") overrides it when the
// page loads, which lets a link (or a test) open a given slice.
func (v *Viewer) InitialSlice(i int) *Viewer {
	v.initial = i
	return v
}

// MaxBytes bounds the size of the HTML. Beyond it the slices are re-encoded as JPEG, then downscaled by
// halves, until they fit.
func (v *Viewer) MaxBytes(n int) *Viewer {
	v.maxBytes = n
	return v
}

// DisplayWidth sets the on-screen width of the image in CSS pixels (the height follows the aspect ratio).
func (v *Viewer) DisplayWidth(px int) *Viewer {
	v.displayWidth = px
	return v
}

// HTML renders every slice and layer and returns the viewer's HTML element.
func (v *Viewer) HTML() (string, error) {
	if err := v.validate(); err != nil {
		return "", err
	}
	id := v.id
	if id == "" {
		id = randomID()
	}
	r := v.renderer.Clone()
	window, err := r.Window(v.slices...)
	if err != nil {
		return "", fmt.Errorf("viewer: %w", err)
	}
	r.FixedWindow(window)
	smallest := 16.0 / float64(max(v.slices[0].Height, v.slices[0].Width))
	for {
		for _, encoding := range []encoding{encodePNG, encodeJPEG} {
			page, err := v.build(id, r, encoding)
			if err != nil {
				return "", err
			}
			if len(page) <= v.maxBytes {
				return page, nil
			}
		}
		if r.ZoomFactor()/2 < smallest {
			return "", fmt.Errorf("viewer: %d slices of %d×%d do not fit in %d bytes even at 16 pixels wide",
				len(v.slices), v.slices[0].Height, v.slices[0].Width, v.maxBytes)
		}
		r.Zoom(r.ZoomFactor() / 2)
	}
}

func (v *Viewer) validate() error {
	if v.err != nil {
		return v.err
	}
	if len(v.slices) == 0 {
		return fmt.Errorf("viewer: no slices")
	}
	for i, s := range v.slices {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("viewer: slice %d: %w", i, err)
		}
		if s.Height != v.slices[0].Height || s.Width != v.slices[0].Width {
			return fmt.Errorf("viewer: slice %d is %d×%d, slice 0 is %d×%d", i, s.Height, s.Width,
				v.slices[0].Height, v.slices[0].Width)
		}
	}
	for _, l := range v.layers {
		if len(l.Masks) != len(v.slices) {
			return fmt.Errorf("viewer: layer %q has %d masks for %d slices", l.Name, len(l.Masks), len(v.slices))
		}
	}
	if v.initial < 0 || v.initial >= len(v.slices) {
		return fmt.Errorf("viewer: initial slice %d out of range [0, %d)", v.initial, len(v.slices))
	}
	if v.displayWidth <= 0 || v.maxBytes <= 0 {
		return fmt.Errorf("viewer: invalid display width %d or byte budget %d", v.displayWidth, v.maxBytes)
	}
	for _, c := range v.id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("viewer: id %q: want letters, digits, '-' and '_' only", v.id)
		}
	}
	return nil
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24).
	return "gokd-viewer-" + hex.EncodeToString(b[:])
}

// encoding turns a rendered slice into a data URI.
type encoding func(img image.Image) (string, error)

func encodePNG(img image.Image) (string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("viewer: encoding PNG: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func encodeJPEG(img image.Image) (string, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return "", fmt.Errorf("viewer: encoding JPEG: %w", err)
	}
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// frames are the viewer's images as data URIs: base[k] is slice k's image, layers[j][k] layer j's overlay on it
// ("" where the mask is empty).
type frames struct {
	Base   []string
	Layers [][]string
}

// build renders the frames with r and fills the page template.
func (v *Viewer) build(id string, r *render.Renderer, encodeBase encoding) (string, error) {
	f := frames{Base: make([]string, len(v.slices)), Layers: make([][]string, len(v.layers))}
	for k, s := range v.slices {
		gray, err := r.Gray(s)
		if err != nil {
			return "", fmt.Errorf("viewer: slice %d: %w", k, err)
		}
		if f.Base[k], err = encodeBase(gray); err != nil {
			return "", err
		}
	}
	for j, l := range v.layers {
		f.Layers[j] = make([]string, len(v.slices))
		for k, mask := range l.Masks {
			if isEmpty(mask) {
				continue
			}
			img, err := r.LayerImage(v.slices[k], render.NewLayer(l.Name, mask, l.Color, l.Style))
			if err != nil {
				return "", fmt.Errorf("viewer: slice %d: %w", k, err)
			}
			if f.Layers[j][k], err = encodePNG(img); err != nil {
				return "", err
			}
		}
	}
	s := v.slices[0]
	page := pageData{
		ID: id, Title: v.title, Slices: len(v.slices), Max: len(v.slices) - 1, Initial: v.initial,
		Width: v.displayWidth, Height: (v.displayWidth*s.Height + s.Width/2) / s.Width,
		Base: template.URL(f.Base[v.initial]), Rendering: "pixelated",
	}
	for k, uri := range f.Base {
		frame := pageFrame{K: k, Base: template.URL(uri)}
		for j, l := range v.layers {
			if f.Layers[j][k] != "" {
				frame.Layers = append(frame.Layers, pageLayer{Index: j, Name: l.Name, Checked: !l.Hidden,
					Src: template.URL(f.Layers[j][k])})
			}
		}
		page.Frames = append(page.Frames, frame)
	}
	if r.InterpolationMode() == render.Bilinear {
		page.Rendering = "auto"
	}
	for j, l := range v.layers {
		page.Layers = append(page.Layers, pageLayer{Index: j, Name: l.Name, Checked: !l.Hidden,
			Color: template.CSS(fmt.Sprintf("#%02x%02x%02x", l.Color.R, l.Color.G, l.Color.B)),
			Src:   template.URL(f.Layers[j][v.initial])})
	}
	var out strings.Builder
	if err := pageTemplate.Execute(&out, page); err != nil {
		return "", fmt.Errorf("viewer: %w", err)
	}
	return out.String(), nil
}

func isEmpty(mask []int32) bool {
	for _, m := range mask {
		if m != 0 {
			return false
		}
	}
	return true
}
