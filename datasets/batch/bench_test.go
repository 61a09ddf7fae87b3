package batch

import (
	"testing"

	"github.com/gokd/gokd/datasets/phantom"
)

// BenchmarkPipeline reports the batches per second (batches/s) of 16 augmented 128² phantom slices the pipeline
// delivers, the rate it must sustain to keep training fed.
func BenchmarkPipeline(b *testing.B) {
	samples, err := phantom.New().CasesPerSite(2).Size(128).Generate()
	if err != nil {
		b.Fatal(err)
	}
	ds, err := New("bench", samples).BatchSize(16).Shuffle(true).Augment(DefaultAugmentation).Infinite(true).Done()
	if err != nil {
		b.Fatal(err)
	}
	defer ds.Reset()
	for b.Loop() {
		batch, err := ds.Yield()
		if err != nil {
			b.Fatal(err)
		}
		_ = batch.Finalize()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
}
