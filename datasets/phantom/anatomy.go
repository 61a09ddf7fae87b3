package phantom

import (
	"math"
	"math/rand/v2"
)

// anatomy is one virtual patient: where and how large each pelvic structure is. It is drawn once per case and
// rendered slice by slice; z runs from inferior (apex, index 0) to superior (base, bladder).
type anatomy struct {
	body                  blob
	gland                 blob    // Mid-gland outline (mask at its largest slice).
	glandCentreZ, glandHZ float64 // Gland centre slice and half-extent in slices.
	tzShift, tzScale      float64 // Transition zone: anterior shift (fraction of gland height) and relative size.
	tzTexture             [4]float64
	rectum                blob
	rectumGas             bool
	bladderU              float64
	bones                 float64 // Bone size factor.
	muscleSpread          float64
}

// drawAnatomy draws a case's anatomy; glandScale is the site's gland size factor.
func drawAnatomy(rng *rand.Rand, slices int, glandScale float64) anatomy {
	between := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	var a anatomy
	a.body = ellipse(0, between(0, 0.05), between(0.84, 0.94), between(0.62, 0.74), between(-0.04, 0.04))
	glandU := between(0.17, 0.25) * glandScale
	a.gland = blob{
		cu: between(-0.04, 0.04), cv: between(0, 0.1),
		au: glandU, av: glandU * between(0.62, 0.82), angle: between(-0.15, 0.15),
		h2: between(-0.06, 0.06), phase2: between(0, math.Pi),
		// A positive 3rd harmonic with phase near π/2 flattens the posterior side: the gland's rounded triangle.
		h3: between(0.02, 0.08), phase3: between(0.35, 0.65) * math.Pi,
	}
	extent := between(0.55, 0.8) // Fraction of the stack the gland spans.
	a.glandHZ = extent * float64(slices) / 2
	a.glandCentreZ = (float64(slices)-1)/2 + between(-0.1, 0.1)*float64(slices)
	a.tzShift = between(0.15, 0.35)
	a.tzScale = between(0.5, 0.7)
	for i := range a.tzTexture {
		a.tzTexture[i] = between(0, 2*math.Pi)
	}
	a.rectum = ellipse(a.gland.cu+between(-0.03, 0.03), a.gland.cv+a.gland.av+between(0.08, 0.13),
		between(0.1, 0.15), between(0.06, 0.09), between(-0.1, 0.1))
	a.rectumGas = rng.IntN(2) == 0
	a.bladderU = between(-0.05, 0.05)
	a.bones = between(0.9, 1.1)
	a.muscleSpread = between(0.11, 0.16)
	return a
}

// Reference tissue intensities (T2-weighted, relative to urine = 1); the site style changes fat and contrast.
const (
	airLevel           = 0.02
	muscleLevel        = 0.28
	marrowLevel        = 0.55
	cortexLevel        = 0.08
	urineLevel         = 1.0
	wallLevel          = 0.3
	gasLevel           = 0.06
	stoolLevel         = 0.5
	periprostaticLevel = 0.6
	capsuleLevel       = 0.3
	pzLevel            = 0.72
	tzLevel            = 0.4
	capsuleThickness   = 0.022 // Normalised units: 2.2 mm at the default 200 mm field of view.
)

// glandProfile returns the gland's scale at slice z: an ellipsoid along z whose base (superior) is wider than
// its apex, or 0 outside the gland.
func (a *anatomy) glandProfile(z int) float64 {
	t := (float64(z) - a.glandCentreZ) / a.glandHZ
	if math.Abs(t) >= 1 {
		return 0
	}
	return math.Sqrt(1-t*t) * (1 + 0.2*t)
}

// render paints slice z of the case onto c (which it clears) and returns whether it contains gland. t is the
// slice position relative to the gland (-1 apex, +1 base), used to bring structures in and out along z.
func (a *anatomy) render(c *canvas, z int, style *Style) {
	clear(c.value)
	clear(c.tissue)
	for i := range c.value {
		c.value[i] = airLevel
	}
	t := (float64(z) - a.glandCentreZ) / a.glandHZ
	contrast := func(level float64) float64 { return periprostaticLevel + style.Contrast*(level-periprostaticLevel) }

	c.fill(a.body, fat, style.Fat)
	// Muscles: gluteus maximus posterolaterally, rectus anteriorly, obturator internus / levator ani beside the gland.
	for _, side := range []float64{-1, 1} {
		c.fill(ellipse(side*0.5, a.body.cv+0.42, 0.3, 0.16, side*0.5), muscle, muscleLevel)
		c.fill(ellipse(side*0.14, a.body.cv-0.6, 0.1, 0.05, 0), muscle, muscleLevel)
		c.fill(ellipse(a.gland.cu+side*(a.gland.au+a.muscleSpread), a.gland.cv, 0.06, 0.2, side*0.15), muscle,
			muscleLevel)
	}
	// Bones: femoral heads through most of the stack, pubic bones near mid-gland, ischia near the apex.
	a.bone(c, 0.62, a.gland.cv-0.05, 0.15*math.Sqrt(max(0, 1-(t-0.4)*(t-0.4)/2.6)), 0.15, 0)
	if t > -0.8 && t < 0.7 {
		a.bone(c, 0.11, a.gland.cv-a.gland.av-0.22, 0.1, 0.065, 0.3)
	}
	if t < 0.2 {
		a.bone(c, 0.42, a.gland.cv+0.25, 0.08, 0.08, 0)
	}
	// Periprostatic tissue (venous plexus and fat) surrounds the gland region on every slice, so a soft-tissue
	// blob in the middle of the pelvis is not by itself evidence of prostate.
	c.fill(a.gland.grown(0.05), periprostatic, periprostaticLevel)
	// Bladder: above the gland, indented by its base.
	if t > 0.3 {
		size := min((t-0.3)/0.9, 1.2)
		centre := a.gland.cv - a.gland.av - 0.1 + 0.2*max(0, min(t-0.8, 1))
		c.ring(ellipse(a.bladderU, centre, 0.32*math.Sqrt(size), 0.22*math.Sqrt(size), 0), 0.02, bladderWall,
			wallLevel, urine, urineLevel)
	}
	lumen, lumenLevel := rectalLumen, stoolLevel
	if a.rectumGas {
		lumenLevel = gasLevel
	}
	c.ring(a.rectum, 0.03, rectalWall, wallLevel, lumen, lumenLevel)

	scale := a.glandProfile(z)
	if scale == 0 {
		return
	}
	gland := a.gland.scaled(scale)
	// At coarse sampling the capsule stays at least 1.2 pixels thick (a pixel is 2/size), so it still encloses
	// the gland.
	c.fill(gland.grown(max(capsuleThickness, 2.4/float64(c.size))), capsule, contrast(capsuleLevel))
	c.fill(gland, peripheralZone, contrast(pzLevel))
	// The transition zone sits anteriorly and grows towards the base; its nodular texture mimics BPH.
	tz := gland.scaled(a.tzScale * (0.7 + 0.3*max(t, 0)))
	tz.cv -= a.tzShift * gland.av
	tzLevelHere := contrast(tzLevel)
	texture := 0.08 * style.Contrast
	ph := a.tzTexture
	c.paint(tz, func(i int) {
		u, v := c.coord[i%c.size], c.coord[i/c.size]
		nodules := math.Sin(31*u+ph[0])*math.Sin(27*v+ph[1]) + 0.5*math.Sin(53*(u+v)+ph[2])
		c.value[i] = float32(tzLevelHere + texture*nodules)
		c.tissue[i] = transitionZone
	})
}

// bone paints a left-right pair of bones: dark cortex around bright marrow.
func (a *anatomy) bone(c *canvas, u, v, au, av, angle float64) {
	au, av = au*a.bones, av*a.bones
	if au <= 0.02 || av <= 0.02 {
		return
	}
	for _, side := range []float64{-1, 1} {
		c.ring(ellipse(side*u, v, au, av, side*angle), 0.025, boneCortex, cortexLevel, boneMarrow, marrowLevel)
	}
}
