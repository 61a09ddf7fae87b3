package phantom

import (
	"fmt"
	"math/rand/v2"
)

// Style is a virtual site's appearance: how its scanner and protocol render the same anatomy. Intensities are
// relative to the reference protocol, in which fat is about 0.8 and urine 1.0.
type Style struct {
	// Contrast scales how far the gland's own tissues (peripheral zone, transition zone, capsule) depart from the
	// surrounding periprostatic tissue: below 1 the gland fades into its surroundings.
	Contrast float64
	// Fat is the intensity of fat, the bright background tissue of the pelvis (lower with fat suppression).
	Fat float64
	// Scale and Offset map rendered intensities to scanner units: scanner = Scale·(tissue + Offset).
	Scale, Offset float64
	// Noise is the standard deviation of the complex Gaussian noise whose magnitude gives Rician noise, relative
	// to the tissue intensities (before Scale).
	Noise float64
	// BlurPixels is the Gaussian blur sigma in pixels of a 128² image (scaled with the image size): the site's
	// effective resolution.
	BlurPixels float64
	// Bias is the strength of the smooth multiplicative bias field (0 none; 0.3 is ±30% across the field).
	Bias float64
	// Coil is the extra brightness near the rectum produced by an endorectal coil (0 none).
	Coil float64
	// GlandScale multiplies the size of the gland: sites serve different patient populations.
	GlandScale float64
}

// referenceStyle is the common appearance all sites share at SiteShift 0.
var referenceStyle = Style{Contrast: 1, Fat: 0.8, Scale: 1, Offset: 0, Noise: 0.05, BlurPixels: 0.6, Bias: 0.1,
	Coil: 0, GlandScale: 1}

// siteStyles are the six virtual sites at full shift, loosely modelled on the public multi-site prostate data:
// 3T and 1.5T scanners, with and without endorectal coil, different protocols and populations.
var siteStyles = []Style{
	// site0: 3T, reference-like, crisp and clean.
	{Contrast: 1.1, Fat: 0.8, Scale: 1, Offset: 0, Noise: 0.03, BlurPixels: 0.5, Bias: 0.08, Coil: 0, GlandScale: 1},
	// site1: 3T with endorectal coil: bright posterior gland, high intensity scale.
	{Contrast: 1.2, Fat: 0.85, Scale: 1.8, Offset: 0, Noise: 0.04, BlurPixels: 0.4, Bias: 0.15, Coil: 0.9, GlandScale: 1.05},
	// site2: 1.5T, low signal-to-noise and resolution, older population with larger glands.
	{Contrast: 0.75, Fat: 0.75, Scale: 0.6, Offset: 0.1, Noise: 0.1, BlurPixels: 1.1, Bias: 0.2, Coil: 0, GlandScale: 1.15},
	// site3: 1.5T with endorectal coil and a strong bias field.
	{Contrast: 0.9, Fat: 0.9, Scale: 1.3, Offset: 0.05, Noise: 0.07, BlurPixels: 0.9, Bias: 0.3, Coil: 0.6, GlandScale: 0.9},
	// site4: 3T with a soft, blurry protocol and low contrast.
	{Contrast: 0.65, Fat: 0.65, Scale: 0.9, Offset: 0.2, Noise: 0.05, BlurPixels: 1.4, Bias: 0.12, Coil: 0, GlandScale: 1},
	// site5: partial fat suppression: fat darker than the peripheral zone, younger population with smaller glands.
	{Contrast: 1, Fat: 0.5, Scale: 1.1, Offset: 0, Noise: 0.06, BlurPixels: 0.7, Bias: 0.35, Coil: 0, GlandScale: 0.85},
}

// SiteName returns the name of the site-th virtual site, "site0", "site1", ...
func SiteName(site int) string { return fmt.Sprintf("site%d", site) }

// SiteStyle returns the appearance of the site-th virtual site for the given shift (0: all sites look like the
// reference; 1: full domain shift) and seed. The first six sites are fixed designs; further sites draw their
// style at random (from seed) within the range the six span.
func SiteStyle(site int, shift float64, seed uint64) Style {
	var full Style
	if site < len(siteStyles) {
		full = siteStyles[site]
	} else {
		full = randomStyle(rand.New(rand.NewPCG(seed, 0x517E0000+uint64(site))))
	}
	lerp := func(ref, site float64) float64 { return ref + shift*(site-ref) }
	ref := referenceStyle
	return Style{
		Contrast: lerp(ref.Contrast, full.Contrast), Fat: lerp(ref.Fat, full.Fat),
		Scale: lerp(ref.Scale, full.Scale), Offset: lerp(ref.Offset, full.Offset),
		Noise: lerp(ref.Noise, full.Noise), BlurPixels: lerp(ref.BlurPixels, full.BlurPixels),
		Bias: lerp(ref.Bias, full.Bias), Coil: lerp(ref.Coil, full.Coil),
		GlandScale: lerp(ref.GlandScale, full.GlandScale),
	}
}

func randomStyle(rng *rand.Rand) Style {
	between := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	coil := 0.0
	if rng.IntN(3) == 0 {
		coil = between(0.5, 1)
	}
	return Style{Contrast: between(0.65, 1.2), Fat: between(0.5, 0.9), Scale: between(0.6, 1.8),
		Offset: between(0, 0.2), Noise: between(0.03, 0.1), BlurPixels: between(0.4, 1.4), Bias: between(0.08, 0.35),
		Coil: coil, GlandScale: between(0.85, 1.15)}
}
