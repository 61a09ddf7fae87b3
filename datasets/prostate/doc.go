// Package prostate loads prostate T2-weighted MRI with its segmentations into 2D axial [datasets.Sample]s: the
// multi-site dataset of Liu et al. (SAML / MS-Net: BIDMC, HK, I2CVB, ISBI, ISBI_1.5, UCL), the Decathlon
// Task05_Prostate layout, or a single image and mask pair.
//
// Every volume is reoriented to the canonical order first (columns right→left, rows anterior→posterior, slices
// inferior→superior), clipped at its own 1st and 99th percentile and z-scored by default, then each axial slice is
// resized to Size×Size (bilinear for images, nearest for masks). Labels above 0 are prostate.
//
// Usage:
//
//	samples, err := prostate.New().Size(128).Channels(3).Load("/data/MultiSitePROSTATE")
package prostate
