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
