package phantom

import "testing"

// BenchmarkGenerate reports the phantom's throughput in 128² slices per second (slices/s), the figure the
// notebooks depend on to regenerate the dataset on every run.
func BenchmarkGenerate(b *testing.B) {
	cfg := New().Sites(6).CasesPerSite(2).SlicesPerCase(12).Size(128)
	slices := 6 * 2 * 12
	for b.Loop() {
		if _, err := cfg.Generate(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(slices*b.N)/b.Elapsed().Seconds(), "slices/s")
}
