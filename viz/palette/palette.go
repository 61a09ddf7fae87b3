package palette

import "image/color"

// The eight Okabe–Ito colours (Okabe & Ito, "Color Universal Design", 2008), distinguishable under the common
// forms of colour blindness.
var (
	Black         = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	Orange        = color.NRGBA{0xe6, 0x9f, 0x00, 0xff}
	SkyBlue       = color.NRGBA{0x56, 0xb4, 0xe9, 0xff}
	BluishGreen   = color.NRGBA{0x00, 0x9e, 0x73, 0xff}
	Yellow        = color.NRGBA{0xf0, 0xe4, 0x42, 0xff}
	Blue          = color.NRGBA{0x00, 0x72, 0xb2, 0xff}
	Vermillion    = color.NRGBA{0xd5, 0x5e, 0x00, 0xff}
	ReddishPurple = color.NRGBA{0xcc, 0x79, 0xa7, 0xff}
)

// OkabeIto lists the palette in its usual order, black last so that cycling through it for chart series starts
// with the colours that stand out on white.
var OkabeIto = []color.NRGBA{Orange, SkyBlue, BluishGreen, Yellow, Blue, Vermillion, ReddishPurple, Black}

// Roles: the colour of each kind of mask, the same in every overlay, legend and chart.
var (
	GroundTruth   = BluishGreen
	Teacher       = SkyBlue
	Student       = Orange
	FalsePositive = Vermillion
	FalseNegative = Blue
)

// Series returns the colour of the i-th series of a chart, cycling through [OkabeIto].
func Series(i int) color.NRGBA {
	n := len(OkabeIto)
	return OkabeIto[((i%n)+n)%n]
}

// Beyond the eight Okabe–Ito colours, for charts that need more: dark colours of Paul Tol's colour-blind-safe
// "muted" scheme (told from the Okabe–Ito ones by their lightness or hue), and grey.
var (
	Wine   = color.NRGBA{0x88, 0x22, 0x55, 0xff}
	Indigo = color.NRGBA{0x33, 0x22, 0x88, 0xff}
	Teal   = color.NRGBA{0x44, 0xaa, 0x99, 0xff}
	Olive  = color.NRGBA{0x99, 0x99, 0x33, 0xff}
	Grey   = color.NRGBA{0x99, 0x99, 0x99, 0xff}
)

// Tint mixes c with white: f = 0 gives c, f = 1 white. A family of tints of one colour tells apart models of one
// kind (the limit-trained teachers, say) that share that kind's colour.
func Tint(c color.NRGBA, f float64) color.NRGBA {
	f = min(max(f, 0), 1)
	mix := func(v uint8) uint8 { return uint8(float64(v) + f*(255-float64(v)) + 0.5) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), c.A}
}
