package deploy

import (
	"math"
	"math/rand/v2"
	"testing"

	gokdbackend "github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
)

// goBackend returns the pure-Go backend: what the static binary runs.
func goBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := gokdbackend.New(gokdbackend.Go)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tinyModel is an untrained small student (random weights, seeded): its predictions vary over the image, which
// is all the plumbing tests need.
func tinyModel(t testing.TB, b compute.Backend, seed int64) *inference.Model {
	t.Helper()
	m, err := inference.NewModel(b, "tiny", nets.NewConfig().Levels(2).BaseWidth(4).Conv(nets.ConvSeparable).Stem(2), seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// blobVolume returns a cols×rows×slices volume with a bright ellipsoid in noise, on an oblique-free grid with
// spacing (0.6, 0.7, 3) mm whose axes run as affine says.
func blobVolume(cols, rows, slices int, affine [4][4]float64) *volume.Volume {
	v := &volume.Volume{Dims: []int{cols, rows, slices}, Spacing: []float64{0.6, 0.7, 3}, Affine: affine,
		Data: make([]float32, cols*rows*slices)}
	rng := rand.New(rand.NewPCG(5, 6))
	for z := range slices {
		for y := range rows {
			for x := range cols {
				dx, dy, dz := float64(x)/float64(cols)-0.45, float64(y)/float64(rows)-0.55, float64(z)/float64(slices)-0.5
				value := 100 + 20*rng.NormFloat64()
				if dx*dx/0.04+dy*dy/0.02+dz*dz/0.1 < 1 {
					value += 300
				}
				v.Data[(z*rows+y)*cols+x] = float32(math.Max(value, 0))
			}
		}
	}
	return v
}

// lpsAffine is the affine of a grid already in canonical order (axes towards L, P, S) with the given spacing.
func lpsAffine(sx, sy, sz float64) [4][4]float64 {
	return [4][4]float64{{-sx, 0, 0, 10}, {0, -sy, 0, 20}, {0, 0, sz, -30}, {0, 0, 0, 1}}
}
