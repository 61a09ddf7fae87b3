package phantom

import (
	"math"
)

// tissue labels each pixel of a rendered slice with what it shows; tests use it to check anatomy.
type tissue uint8

const (
	air tissue = iota
	fat
	muscle
	boneMarrow
	boneCortex
	urine
	bladderWall
	rectalWall
	rectalLumen
	periprostatic
	capsule
	peripheralZone
	transitionZone
)

// blob is an ellipse whose radius is modulated by its 2nd and 3rd angular harmonics, which gives the gland its
// rounded-triangular, case-specific outline. All coordinates are normalised: the image spans [-1, 1] on both
// axes, u to the right (columns) and v down (rows, posterior).
type blob struct {
	cu, cv     float64 // Centre.
	au, av     float64 // Semi-axes.
	angle      float64 // Rotation in radians.
	h2, phase2 float64 // Amplitude and phase of the 2nd harmonic of the radius.
	h3, phase3 float64 // Amplitude and phase of the 3rd harmonic.
}

func ellipse(cu, cv, au, av, angle float64) blob {
	return blob{cu: cu, cv: cv, au: au, av: av, angle: angle}
}

// scaled returns the blob with both semi-axes multiplied by k (same centre and outline).
func (b blob) scaled(k float64) blob {
	b.au *= k
	b.av *= k
	return b
}

// grown returns the blob with both semi-axes increased by d.
func (b blob) grown(d float64) blob {
	b.au += d
	b.av += d
	return b
}

// contains reports whether the point (u, v) is inside the blob. The harmonics are evaluated from the point's
// coordinates with the multiple-angle identities, avoiding trigonometric calls per pixel.
func (b blob) contains(u, v, cosA, sinA, c2, s2, c3, s3 float64) bool {
	du, dv := u-b.cu, v-b.cv
	x := (du*cosA + dv*sinA) / b.au
	y := (-du*sinA + dv*cosA) / b.av
	r2 := x*x + y*y
	if b.h2 == 0 && b.h3 == 0 {
		return r2 <= 1
	}
	if r2 == 0 {
		return true
	}
	r := math.Sqrt(r2)
	cos2 := (x*x - y*y) / r2
	sin2 := 2 * x * y / r2
	cos3 := (x*x*x - 3*x*y*y) / (r2 * r)
	sin3 := (3*x*x*y - y*y*y) / (r2 * r)
	boundary := 1 + b.h2*(cos2*c2+sin2*s2) + b.h3*(cos3*c3+sin3*s3)
	return r <= boundary
}

// canvas is one slice being rendered: tissue intensities and labels, painted back to front.
type canvas struct {
	size   int
	coord  []float64 // Normalised coordinate of the centre of pixel i along either axis.
	value  []float32
	tissue []tissue
}

func newCanvas(size int) *canvas {
	c := &canvas{size: size, coord: make([]float64, size), value: make([]float32, size*size),
		tissue: make([]tissue, size*size)}
	for i := range size {
		c.coord[i] = (float64(i)+0.5)/float64(size)*2 - 1
	}
	return c
}

// pixelRange returns the pixel indices [lo, hi) whose centres may lie within [centre-extent, centre+extent].
func (c *canvas) pixelRange(centre, extent float64) (lo, hi int) {
	toPixel := func(x float64) float64 { return (x+1)/2*float64(c.size) - 0.5 }
	lo = max(int(math.Floor(toPixel(centre-extent))), 0)
	hi = min(int(math.Ceil(toPixel(centre+extent)))+1, c.size)
	return lo, hi
}

// paint calls fn(pixelIndex) for every pixel whose centre is inside b, visiting only b's bounding box.
func (c *canvas) paint(b blob, fn func(i int)) {
	if b.au <= 0 || b.av <= 0 {
		return
	}
	extent := max(b.au, b.av) * (1 + math.Abs(b.h2) + math.Abs(b.h3))
	u0, u1 := c.pixelRange(b.cu, extent)
	v0, v1 := c.pixelRange(b.cv, extent)
	cosA, sinA := math.Cos(b.angle), math.Sin(b.angle)
	if b.h2 == 0 && b.h3 == 0 {
		c.paintEllipse(b, cosA, sinA, v0, v1, fn)
		return
	}
	c2, s2 := math.Cos(b.phase2), math.Sin(b.phase2)
	c3, s3 := math.Cos(b.phase3), math.Sin(b.phase3)
	for y := v0; y < v1; y++ {
		v := c.coord[y]
		for x := u0; x < u1; x++ {
			if b.contains(c.coord[x], v, cosA, sinA, c2, s2, c3, s3) {
				fn(y*c.size + x)
			}
		}
	}
}

// paintEllipse is paint for a plain (rotated) ellipse: on each row the inside is one span, whose ends solve a
// quadratic, so large structures (the body) cost no per-pixel test.
func (c *canvas) paintEllipse(b blob, cosA, sinA float64, v0, v1 int, fn func(i int)) {
	// Inside: ((du·cosA + dv·sinA)/au)² + ((−du·sinA + dv·cosA)/av)² <= 1, a quadratic A·du² + B·du + C <= 0.
	ia2, ib2 := 1/(b.au*b.au), 1/(b.av*b.av)
	quadA := cosA*cosA*ia2 + sinA*sinA*ib2
	pixel := float64(c.size) / 2
	for y := v0; y < v1; y++ {
		dv := c.coord[y] - b.cv
		quadB := 2 * dv * cosA * sinA * (ia2 - ib2)
		quadC := dv*dv*(sinA*sinA*ia2+cosA*cosA*ib2) - 1
		disc := quadB*quadB - 4*quadA*quadC
		if disc < 0 {
			continue
		}
		root := math.Sqrt(disc)
		uLo, uHi := b.cu+(-quadB-root)/(2*quadA), b.cu+(-quadB+root)/(2*quadA)
		// Pixel x has its centre at (x+0.5)/pixel − 1: the first and last centres within [uLo, uHi].
		xLo := max(int(math.Ceil((uLo+1)*pixel-0.5)), 0)
		xHi := min(int(math.Floor((uHi+1)*pixel-0.5)), c.size-1)
		for x := xLo; x <= xHi; x++ {
			fn(y*c.size + x)
		}
	}
}

// fill paints b with a uniform tissue.
func (c *canvas) fill(b blob, t tissue, intensity float64) {
	value := float32(intensity)
	c.paint(b, func(i int) {
		c.value[i] = value
		c.tissue[i] = t
	})
}

// ring paints a walled structure: the outer blob as wall, its interior shrunk by thickness as lumen.
func (c *canvas) ring(b blob, thickness float64, wall tissue, wallIntensity float64, lumen tissue,
	lumenIntensity float64) {
	c.fill(b, wall, wallIntensity)
	c.fill(b.grown(-thickness), lumen, lumenIntensity)
}

// blur applies a separable Gaussian blur of the given sigma (pixels) to values in place, replicating the border.
// Both passes run along rows so that the inner loops stream through memory.
func blur(values []float32, size int, sigma float64) {
	if sigma < 0.2 {
		return
	}
	radius := int(math.Ceil(2.5 * sigma))
	kernel := make([]float32, 2*radius+1)
	var sum float32
	for i := range kernel {
		d := float64(i - radius)
		kernel[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	// Horizontal pass into tmp, through a border-padded copy of each row.
	tmp := make([]float32, size*size)
	line := make([]float32, size+2*radius)
	for y := range size {
		row := values[y*size : (y+1)*size]
		for i := range line {
			line[i] = row[min(max(i-radius, 0), size-1)]
		}
		out := tmp[y*size : (y+1)*size]
		for x := range out {
			var acc float32
			for k, w := range kernel {
				acc += w * line[x+k]
			}
			out[x] = acc
		}
	}
	// Vertical pass back into values: each output row is a weighted sum of whole input rows.
	for y := range size {
		out := values[y*size : (y+1)*size]
		clear(out)
		for k, w := range kernel {
			src := min(max(y+k-radius, 0), size-1)
			in := tmp[src*size : (src+1)*size]
			for x, v := range in {
				out[x] += w * v
			}
		}
	}
}
