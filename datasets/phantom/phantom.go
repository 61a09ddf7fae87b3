package phantom

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/gokd/gokd/datasets"
)

// Config describes a phantom dataset; create it with [New], adjust it with its builder methods and call
// [Config.Generate]. The zero value is not usable.
type Config struct {
	sites, casesPerSite, slicesPerCase int
	size, channels                     int
	seed                               uint64
	siteShift                          float64
	fieldOfViewMM, sliceSpacingMM      float64
	normalization                      datasets.Normalization
	clip                               datasets.Percentiles
	onlyProstate                       bool
	workers                            int
}

// New returns the default phantom: 6 sites × 8 cases × 12 slices of 128×128, one channel, seed 1, full site
// shift, 200 mm field of view and 3.6 mm slices, normalised like the prostate loader (clipped at the 1st and 99th
// percentile, then z-scored per case).
func New() *Config {
	return &Config{sites: 6, casesPerSite: 8, slicesPerCase: 12, size: 128, channels: 1, seed: 1, siteShift: 1,
		fieldOfViewMM: 200, sliceSpacingMM: 3.6, normalization: datasets.ZScore, clip: datasets.DefaultPercentiles,
		workers: runtime.GOMAXPROCS(0)}
}

// Sites sets the number of virtual sites, named "site0", "site1", ... The first six have fixed designed styles;
// further ones are drawn at random from the seed.
func (c *Config) Sites(n int) *Config { c.sites = n; return c }

// CasesPerSite sets the number of virtual patients per site.
func (c *Config) CasesPerSite(n int) *Config { c.casesPerSite = n; return c }

// SlicesPerCase sets the number of axial slices per case; the gland spans 55–80% of them.
func (c *Config) SlicesPerCase(n int) *Config { c.slicesPerCase = n; return c }

// Size sets the height and width of the slices in pixels (e.g. 64 for fast CPU runs). The anatomy is the same
// at every size for a given seed; only the sampling changes.
func (c *Config) Size(pixels int) *Config { c.size = pixels; return c }

// Channels sets the input channels: 1, or an odd 2k+1 for 2.5D input with k adjacent slices on each side.
func (c *Config) Channels(n int) *Config { c.channels = n; return c }

// Seed sets the random seed: the same seed gives byte-identical data.
func (c *Config) Seed(seed uint64) *Config { c.seed = seed; return c }

// SiteShift sets how different the sites look, from 0 (every site renders like the reference protocol: only
// anatomy and noise differ) to 1 (the default: full designed domain shift). Values above 1 exaggerate it.
func (c *Config) SiteShift(shift float64) *Config { c.siteShift = shift; return c }

// FieldOfViewMM sets the in-plane field of view in mm; the pixel spacing is FieldOfViewMM/Size.
func (c *Config) FieldOfViewMM(mm float64) *Config { c.fieldOfViewMM = mm; return c }

// SliceSpacingMM sets the distance between adjacent slices in mm.
func (c *Config) SliceSpacingMM(mm float64) *Config { c.sliceSpacingMM = mm; return c }

// Normalization sets how each case's intensities are normalised (default [datasets.ZScore]); with
// [datasets.NoNormalization] and clipping disabled the raw scanner intensities of each site are kept.
func (c *Config) Normalization(mode datasets.Normalization) *Config { c.normalization = mode; return c }

// Clip sets the percentiles at which each case is clipped before normalisation (default 1st and 99th); the zero
// value disables clipping.
func (c *Config) Clip(p datasets.Percentiles) *Config { c.clip = p; return c }

// OnlyProstate keeps only slices that contain gland.
func (c *Config) OnlyProstate(only bool) *Config { c.onlyProstate = only; return c }

// Workers sets how many goroutines render cases in parallel (default GOMAXPROCS). The output does not depend on
// it.
func (c *Config) Workers(n int) *Config { c.workers = n; return c }

func (c *Config) validate() error {
	switch {
	case c.sites <= 0 || c.casesPerSite <= 0 || c.slicesPerCase <= 0:
		return fmt.Errorf("phantom: sites=%d, cases per site=%d and slices per case=%d must be positive",
			c.sites, c.casesPerSite, c.slicesPerCase)
	case c.size < 16:
		return fmt.Errorf("phantom: size %d too small, want at least 16 pixels", c.size)
	case c.channels < 1 || c.channels%2 == 0:
		return fmt.Errorf("phantom: channels must be 1 or an odd 2k+1 for 2.5D input, got %d", c.channels)
	case c.siteShift < 0:
		return fmt.Errorf("phantom: site shift %g must be >= 0", c.siteShift)
	case c.fieldOfViewMM <= 0 || c.sliceSpacingMM <= 0:
		return fmt.Errorf("phantom: field of view %g mm and slice spacing %g mm must be positive",
			c.fieldOfViewMM, c.sliceSpacingMM)
	}
	return nil
}

// Generate renders every case and cuts it into slices: sites in order, cases in order within a site, slices
// from inferior to superior within a case.
func (c *Config) Generate() ([]datasets.Sample, error) {
	stacks, err := c.GenerateStacks()
	if err != nil {
		return nil, err
	}
	samples, err := datasets.SamplesOf(stacks, c.channels, c.onlyProstate)
	if err != nil {
		return nil, fmt.Errorf("phantom: %w", err)
	}
	return samples, nil
}

// GenerateStacks renders every case as a normalised 3D stack (for per-case 3D metrics and viewers), in the
// order of [Config.Generate].
func (c *Config) GenerateStacks() ([]*datasets.Stack, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return datasets.BuildStacks(c.sites*c.casesPerSite, c.workers, func(job int) (*datasets.Stack, error) {
		stack, _, err := c.renderCase(job/c.casesPerSite, job%c.casesPerSite)
		return stack, err
	})
}

// renderCase renders one case and also returns its tissue labels (same layout as the mask), for tests.
func (c *Config) renderCase(site, caseIndex int) (*datasets.Stack, []tissue, error) {
	style := SiteStyle(site, c.siteShift, c.seed)
	rng := rand.New(rand.NewPCG(c.seed, uint64(site)<<32|uint64(caseIndex)))
	anat := drawAnatomy(rng, c.slicesPerCase, style.GlandScale)
	field := biasField(rng, c.size, &anat, &style)
	blurSigma := style.BlurPixels * float64(c.size) / 128

	plane := c.size * c.size
	spacing := c.fieldOfViewMM / float64(c.size)
	st := &datasets.Stack{
		Site: SiteName(site), Case: fmt.Sprintf("case%02d", caseIndex), Size: c.size, Slices: c.slicesPerCase,
		Image: make([]float32, c.slicesPerCase*plane), Mask: make([]int32, c.slicesPerCase*plane),
		PixelSpacingMM: [2]float64{spacing, spacing}, SliceSpacingMM: c.sliceSpacingMM,
	}
	tissues := make([]tissue, c.slicesPerCase*plane)
	cv := newCanvas(c.size)
	scale, noise := float32(style.Scale), float32(style.Noise*style.Scale)
	offset := float32(style.Offset)
	gauss := gaussianSource{rng: rng}
	for z := range c.slicesPerCase {
		anat.render(cv, z, &style)
		image, mask := st.Image[z*plane:(z+1)*plane], st.Mask[z*plane:(z+1)*plane]
		copy(tissues[z*plane:], cv.tissue)
		for i, t := range cv.tissue {
			if t == peripheralZone || t == transitionZone {
				mask[i] = 1
			}
		}
		blur(cv.value, c.size, blurSigma)
		// Slow drift of the field along z, as from coil sensitivity.
		drift := float32(1 + style.Bias*0.3*(float64(z)/float64(c.slicesPerCase)-0.5))
		for i, v := range cv.value {
			signal := scale * (v*field[i]*drift + offset)
			// Rician noise: the magnitude of a complex signal with Gaussian noise on both channels.
			re := signal + noise*gauss.next()
			im := noise * gauss.next()
			image[i] = float32(math.Sqrt(float64(re*re + im*im)))
		}
	}
	if err := datasets.NormalizeVolume(st.Image, c.clip, c.normalization); err != nil {
		return nil, nil, fmt.Errorf("phantom: normalising %s/%s: %w", st.Site, st.Case, err)
	}
	return st, tissues, nil
}

// biasField draws the case's smooth multiplicative field: a random low-order polynomial scaled by the site's
// bias strength, times the brightness bump of an endorectal coil centred just anterior of the rectum.
func biasField(rng *rand.Rand, size int, anat *anatomy, style *Style) []float32 {
	var coeffs [5]float64
	for i := range coeffs {
		coeffs[i] = 2*rng.Float64() - 1
	}
	cv := newCanvas(size)
	coilU, coilV := anat.rectum.cu, anat.rectum.cv-anat.rectum.av
	const coilWidth2 = 0.12 * 0.12
	field := make([]float32, size*size)
	for y := range size {
		v := cv.coord[y]
		for x := range size {
			u := cv.coord[x]
			poly := (coeffs[0]*u + coeffs[1]*v + coeffs[2]*u*v + coeffs[3]*(u*u-v*v) + coeffs[4]*(u*u+v*v-0.6)) / 2
			d2 := (u-coilU)*(u-coilU) + (v-coilV)*(v-coilV)
			coil := style.Coil / (1 + d2/coilWidth2)
			field[y*size+x] = float32(max(0.2, 1+style.Bias*poly) * (1 + coil))
		}
	}
	return field
}

// gaussianTable holds the standard normal quantiles at (i+½)/len: indexing it uniformly at random draws from a
// finely discretised Gaussian, several times faster than rand's NormFloat64 (one 64-bit draw yields four values),
// which matters since every pixel needs two.
var gaussianTable = func() []float32 {
	table := make([]float32, 1<<16)
	for i := range table {
		p := (float64(i) + 0.5) / float64(len(table))
		table[i] = float32(math.Sqrt2 * math.Erfinv(2*p-1))
	}
	return table
}()

// gaussianSource draws standard normal values from gaussianTable, 16 random bits at a time.
type gaussianSource struct {
	rng       *rand.Rand
	bits      uint64
	remaining int
}

func (g *gaussianSource) next() float32 {
	if g.remaining == 0 {
		g.bits, g.remaining = g.rng.Uint64(), 4
	}
	v := gaussianTable[g.bits&0xFFFF]
	g.bits >>= 16
	g.remaining--
	return v
}
