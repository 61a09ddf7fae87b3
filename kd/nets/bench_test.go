package nets

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
)

// benchConfigs are the networks benchmarked, by name.
var benchConfigs = []struct {
	name string
	cfg  func() *Config
}{
	{"teacher", Teacher},
	{"student", Student},
}

// BenchmarkTrainStep measures one training step (forward, backward, Adam) at batch 8 with 2 classes:
//
//	go test ./kd/nets/ -run XXX -bench TrainStep -benchtime 3x
func BenchmarkTrainStep(b *testing.B) {
	backend := testBackend(b)
	const batch = 8
	for _, size := range []int{64, 128} {
		for _, net := range benchConfigs {
			for _, impl := range []ConvImpl{ConvShifted, ConvNative} {
				if impl == ConvNative && size > 64 {
					continue // Tens of seconds per step: measured once at 64² is enough to compare.
				}
				b.Run(fmt.Sprintf("%s/%d/%s", net.name, size, impl), func(b *testing.B) {
					trainer := newSegmentationTrainer(backend, net.cfg().ConvImpl(impl), 1e-3)
					images, labels := squaresBatch(batch, size, 0)
					trainStep(b, trainer, images, labels, batch, size) // Compiles.
					b.ResetTimer()
					for range b.N {
						trainStep(b, trainer, images, labels, batch, size)
					}
					b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
				})
			}
		}
	}
}

// BenchmarkInference measures the forward pass at 128² for batch 1 and 8:
//
//	go test ./kd/nets/ -run XXX -bench Inference
func BenchmarkInference(b *testing.B) {
	backend := testBackend(b)
	const size = 128
	for _, net := range benchConfigs {
		for _, batch := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/%d/batch%d", net.name, size, batch), func(b *testing.B) {
				cfg := net.cfg()
				exec, err := model.NewExec(backend, model.NewStore(), func(scope *model.Scope, images *Node) *Node {
					return cfg.Logits(scope, images)
				})
				if err != nil {
					b.Fatal(err)
				}
				images := wavyTensor(batch, size, size, cfg.NumInputChannels())
				run := func() {
					outputs, err := exec.Call(images)
					if err != nil {
						b.Fatal(err)
					}
					for _, output := range outputs {
						_ = output.FinalizeAll()
					}
				}
				run() // Compiles and initialises the variables.
				b.ResetTimer()
				for range b.N {
					run()
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			})
		}
	}
}
