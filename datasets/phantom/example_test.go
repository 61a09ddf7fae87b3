package phantom_test

import (
	"fmt"

	"github.com/gokd/gokd/datasets/phantom"
)

// A small synthetic multi-site prostate dataset: two sites of two cases, four 32×32 slices each.
func ExampleConfig_Generate() {
	samples, err := phantom.New().Sites(2).CasesPerSite(2).SlicesPerCase(4).Size(32).Seed(7).Generate()
	if err != nil {
		fmt.Println(err)
		return
	}
	foreground := 0
	for _, s := range samples {
		for _, label := range s.Mask {
			if label == 1 {
				foreground++
			}
		}
	}
	first := samples[0]
	fmt.Printf("%d slices; the first: site %s, case %s, %d×%d×%d, spacing %.2f mm\n", len(samples), first.Site,
		first.Case, first.Size, first.Size, first.Channels, first.PixelSpacingMM[0])
	fmt.Printf("prostate in %.1f%% of the pixels\n", 100*float64(foreground)/float64(len(samples)*32*32))
	// Output:
	// 16 slices; the first: site site0, case case00, 32×32×1, spacing 6.25 mm
	// prostate in 1.4% of the pixels
}
