// Package phantom generates a synthetic multi-site prostate MRI dataset: T2-like axial pelvic slices with an
// exactly known gland mask, rendered as if by six hospitals with different scanners. It is the embedded default
// dataset of GoKD's notebooks: deterministic, fast enough to regenerate on every run, and with a real domain shift
// between sites so that limit-trained teachers and multi-teacher distillation are meaningful.
//
// Each case is a virtual patient: a pelvis (fat, muscles, femoral heads, pubic bones, ischia), bladder and
// rectum, and a prostate with a bright peripheral zone, a darker textured transition zone and a thin dark capsule.
// The gland grows and shrinks along the stack, with gland-free slices at both ends. Each site renders the
// anatomy with its own contrast, fat brightness, intensity scale and offset, resolution (blur), bias field,
// endorectal-coil brightness, Rician noise and gland size distribution; SiteShift scales these differences.
//
// Usage:
//
//	samples, err := phantom.New().Sites(6).CasesPerSite(8).SlicesPerCase(12).Size(64).Seed(1).Generate()
package phantom
