package compose

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/gokd/gokd/viz/render"
)

// Panel is one picture of a figure with its title (drawn above it; may be empty).
type Panel struct {
	Title string
	Image image.Image
}

// Figure colours and spacing.
var (
	background = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	textColor  = color.NRGBA{0xf0, 0xf0, 0xf0, 0xff}
)

const gap = 6

// Grid lays rows of panels out on a dark background: each column as wide as its widest panel or title, each
// row as tall as its tallest panel plus one title line; the optional columnTitles head the columns and the
// optional rowTitles label the rows on the left. Rows may be ragged (a montage's last row). A nil panel image
// leaves its cell blank.
func Grid(rows [][]Panel, columnTitles, rowTitles []string) (*image.RGBA, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("compose: grid has no rows")
	}
	if rowTitles != nil && len(rowTitles) != len(rows) {
		return nil, fmt.Errorf("compose: grid has %d rows but %d row titles", len(rows), len(rowTitles))
	}
	columns := len(columnTitles)
	for _, row := range rows {
		columns = max(columns, len(row))
	}
	colWidth, rowHeight := make([]int, columns), make([]int, len(rows))
	for j, title := range columnTitles {
		colWidth[j] = render.TextWidth(title)
	}
	labelWidth := 0
	for i, row := range rows {
		if rowTitles != nil {
			labelWidth = max(labelWidth, render.TextWidth(rowTitles[i])+gap)
		}
		for j, p := range row {
			colWidth[j] = max(colWidth[j], render.TextWidth(p.Title))
			if p.Image != nil {
				b := p.Image.Bounds()
				colWidth[j], rowHeight[i] = max(colWidth[j], b.Dx()), max(rowHeight[i], b.Dy())
			}
		}
	}
	headerHeight := 0
	if len(columnTitles) > 0 {
		headerHeight = render.LineHeight + gap
	}
	width, height := gap+labelWidth, gap+headerHeight
	for _, w := range colWidth {
		width += w + gap
	}
	for _, h := range rowHeight {
		height += render.LineHeight + h + gap
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)

	x := gap + labelWidth
	for j, title := range columnTitles {
		render.DrawText(img, x, gap, title, textColor)
		x += colWidth[j] + gap
	}
	y := gap + headerHeight
	for i, row := range rows {
		if rowTitles != nil {
			render.DrawText(img, gap, y+render.LineHeight+(rowHeight[i]-render.LineHeight)/2, rowTitles[i], textColor)
		}
		x := gap + labelWidth
		for j, p := range row {
			render.DrawText(img, x, y, p.Title, textColor)
			if p.Image != nil {
				b := p.Image.Bounds()
				draw.Draw(img, image.Rect(x, y+render.LineHeight, x+b.Dx(), y+render.LineHeight+b.Dy()), p.Image,
					b.Min, draw.Src)
			}
			x += colWidth[j] + gap
		}
		y += render.LineHeight + rowHeight[i] + gap
	}
	return img, nil
}

// Montage lays panels out row by row, columns to a row, each with its title (e.g. the slice index).
func Montage(panels []Panel, columns int) (*image.RGBA, error) {
	if columns <= 0 {
		return nil, fmt.Errorf("compose: montage with %d columns", columns)
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("compose: montage of no panels")
	}
	var rows [][]Panel
	for start := 0; start < len(panels); start += columns {
		rows = append(rows, panels[start:min(start+columns, len(panels))])
	}
	return Grid(rows, nil, nil)
}

// VolumeMontage renders every step-th slice of a volume with one shared window, each with its per-slice layers
// (layers[i] for slice i; layers may be nil), titled "#index", in a montage of the given columns.
func VolumeMontage(r *render.Renderer, slices []render.Slice, layers [][]render.Layer, step, columns int) (
	*image.RGBA, error) {
	if step <= 0 {
		return nil, fmt.Errorf("compose: volume montage with step %d", step)
	}
	if layers != nil && len(layers) != len(slices) {
		return nil, fmt.Errorf("compose: volume montage has %d slices but %d layer sets", len(slices), len(layers))
	}
	window, err := r.Window(slices...)
	if err != nil {
		return nil, fmt.Errorf("compose: volume montage: %w", err)
	}
	var panels []Panel
	for i := 0; i < len(slices); i += step {
		var sliceLayers []render.Layer
		if layers != nil {
			sliceLayers = layers[i]
		}
		img, err := r.OverlayWindowed(slices[i], window, sliceLayers...)
		if err != nil {
			return nil, fmt.Errorf("compose: volume montage slice %d: %w", i, err)
		}
		panels = append(panels, Panel{Title: fmt.Sprintf("#%d", i), Image: img})
	}
	return Montage(panels, columns)
}
