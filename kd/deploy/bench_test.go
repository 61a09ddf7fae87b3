package deploy

import (
	"testing"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
)

// BenchmarkSegmentVolume times `gokd segment`'s work on one 128×128×64 volume (the shared real case's size) with
// the default teacher and student (nets.Teacher, nets.Student; weights do not change the time) on the Go backend,
// batches of 8 slices, after one warm-up volume (graph compilation). Run it on 1 and 2 cores:
//
//	go test -run '^$' -bench SegmentVolume -benchtime 2x -cpu 1,2 ./kd/deploy
func BenchmarkSegmentVolume(b *testing.B) {
	backend := goBackend(b)
	v := blobVolume(128, 128, 64, lpsAffine(0.625, 0.625, 3.6))
	for _, c := range []struct {
		name string
		net  *nets.Config
	}{{"teacher", nets.Teacher()}, {"student", nets.Student()}} {
		b.Run(c.name, func(b *testing.B) {
			m, err := inference.NewModel(backend, c.name, c.net, 1)
			if err != nil {
				b.Fatal(err)
			}
			model := &Model{Description: Describe(m, Description{Preprocessing: DefaultPreprocessing(128)}), Net: m}
			s, err := NewSegmenter(backend, model).BatchSize(8).Done()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Segment(v); err != nil { // Warm-up: compiles the graph.
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.Segment(v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/volume")
			b.ReportMetric(float64(m.ParamCount()), "params")
		})
	}
}
