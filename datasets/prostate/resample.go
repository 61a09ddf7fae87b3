package prostate

import "math"

// tap is one source pixel's weight in an output pixel.
type tap struct {
	src    int
	weight float32
}

// linearTaps returns, for each of out output pixels along an axis of in source pixels, the source pixels and
// weights of linear interpolation between pixel centres. When shrinking, the triangle filter is widened by the
// scale factor (like PIL's bilinear resize or torch's antialias=True), so every source pixel contributes and
// downsampling 384→128 does not alias.
func linearTaps(in, out int) [][]tap {
	scale := float64(in) / float64(out)
	support := max(scale, 1)
	taps := make([][]tap, out)
	for o := range out {
		centre := (float64(o)+0.5)*scale - 0.5
		lo := int(math.Floor(centre - support + 1))
		hi := int(math.Ceil(centre + support - 1))
		var sum float32
		for s := lo; s <= hi; s++ {
			w := float32(1 - math.Abs(float64(s)-centre)/support)
			if w <= 0 {
				continue
			}
			taps[o] = append(taps[o], tap{src: min(max(s, 0), in-1), weight: w})
			sum += w
		}
		for i := range taps[o] {
			taps[o][i].weight /= sum
		}
	}
	return taps
}

// resizeLinear resamples a rows×cols plane to size×size with (antialiased) bilinear interpolation.
func resizeLinear(plane []float32, rows, cols, size int) []float32 {
	if rows == size && cols == size {
		return append([]float32(nil), plane...)
	}
	colTaps, rowTaps := linearTaps(cols, size), linearTaps(rows, size)
	horizontal := make([]float32, rows*size)
	for y := range rows {
		in := plane[y*cols : (y+1)*cols]
		for x, taps := range colTaps {
			var acc float32
			for _, t := range taps {
				acc += t.weight * in[t.src]
			}
			horizontal[y*size+x] = acc
		}
	}
	out := make([]float32, size*size)
	for y, taps := range rowTaps {
		row := out[y*size : (y+1)*size]
		for _, t := range taps {
			for x, v := range horizontal[t.src*size : (t.src+1)*size] {
				row[x] += t.weight * v
			}
		}
	}
	return out
}

// resizeNearest resamples a rows×cols label plane to size×size, each output pixel taking the label of the source
// pixel under its centre.
func resizeNearest(plane []int32, rows, cols, size int) []int32 {
	return resizeNearestTo(plane, rows, cols, size, size)
}

// resizeNearestTo resamples a rows×cols label plane to outRows×outCols, each output pixel taking the label of the
// source pixel under its centre.
func resizeNearestTo(plane []int32, rows, cols, outRows, outCols int) []int32 {
	nearest := func(o, in, out int) int { return min(int((float64(o)+0.5)*float64(in)/float64(out)), in-1) }
	out := make([]int32, outRows*outCols)
	for y := range outRows {
		sy := nearest(y, rows, outRows)
		for x := range outCols {
			out[y*outCols+x] = plane[sy*cols+nearest(x, cols, outCols)]
		}
	}
	return out
}
