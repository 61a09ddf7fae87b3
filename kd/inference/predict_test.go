package inference

import (
	"math/rand/v2"
	"testing"

	gokdbackend "github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute/gobackend"
)

// noisySamples are n images of noise, size×size, one channel.
func noisySamples(n, size int, seed uint64) []datasets.Sample {
	rng := rand.New(rand.NewPCG(seed, 7))
	samples := make([]datasets.Sample, n)
	for i := range samples {
		s := datasets.Sample{Size: size, Channels: 1, Site: "toy", Case: "c", Index: i,
			Image: make([]float32, size*size), Mask: make([]int32, size*size)}
		for p := range s.Image {
			s.Image[p] = float32(rng.NormFloat64())
		}
		samples[i] = s
	}
	return samples
}

// The sequential schedule is the Go backend's: the test runs there whatever $GOMLX_BACKEND says.
func TestSequentialBackendInfersWithTheSameWeights(t *testing.T) {
	backend, err := gokdbackend.New(gokdbackend.Go)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(backend.Finalize)
	m, err := NewModel(backend, "toy", nets.NewConfig().Levels(2).BaseWidth(4), 1)
	if err != nil {
		t.Fatal(err)
	}
	sequential, err := SequentialBackend(backend)
	if err != nil {
		t.Fatal(err)
	}
	if sequential == nil || sequential == backend || sequential.String() != gobackend.BackendName {
		t.Fatalf("SequentialBackend(%s) = %v, want another Go backend", backend, sequential)
	}
	// The variables live on backend; the sequential backend must see the same weights.
	samples := noisySamples(3, 16, 2)
	logits := func(p *Predictor, err error) [][]float32 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		l, err := p.Logits(samples, 1)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	store, err := localCopy(m.Store)
	if err != nil {
		t.Fatal(err)
	}
	copied := *m
	copied.Store = store
	want, got := logits(m.NewPredictor(backend)), logits(copied.NewPredictor(sequential))
	for i := range want {
		for j := range want[i] {
			if want[i][j] != got[i][j] {
				t.Fatalf("sample %d logit %d: %g on the sequential backend, %g on the default one", i, j, got[i][j],
					want[i][j])
			}
		}
	}
	p, err := m.NewPredictor(backend)
	if err != nil {
		t.Fatal(err)
	}
	for _, batchSize := range []int{1, 8} {
		latency, err := p.Latency(samples[0], batchSize, 3)
		if err != nil || !(latency.MedianMS() > 0) {
			t.Fatalf("Latency(batch %d) = %v ms, %v; want a positive time", batchSize, latency.MedianMS(), err)
		}
	}
	if p.sequentialExec == nil {
		t.Error("batch-1 latency did not time the sequential schedule")
	}
}
