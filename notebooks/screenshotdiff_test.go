package notebooks

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

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
