package train

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	gokdbackend "github.com/gokd/gokd/backend"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/losses"
	"github.com/gokd/gokd/kd/metrics"
	"github.com/gokd/gokd/kd/nets"
	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
)

const toySize = 16

// toySamples are noisy images with one bright square (class 1) each, at random places and sizes.
func toySamples(n int, seed uint64) []datasets.Sample {
	rng := rand.New(rand.NewPCG(seed, 7))
	samples := make([]datasets.Sample, n)
	for i := range samples {
		s := datasets.Sample{Size: toySize, Channels: 1, Site: "toy", Case: "c", Index: i,
			Image: make([]float32, toySize*toySize), Mask: make([]int32, toySize*toySize)}
		side := 4 + rng.IntN(6)
		y0, x0 := rng.IntN(toySize-side), rng.IntN(toySize-side)
		for y := range toySize {
			for x := range toySize {
				p := y*toySize + x
				s.Image[p] = float32(rng.NormFloat64() * 0.3)
				if y >= y0 && y < y0+side && x >= x0 && x < x0+side {
					s.Image[p] += 1.5
					s.Mask[p] = 1
				}
			}
		}
		samples[i] = s
	}
	return samples
}

func toyNet(width int) *nets.Config {
	return nets.NewConfig().Levels(2).BaseWidth(width)
}

func toyData(t *testing.T, samples []datasets.Sample, seed uint64) *batch.Dataset {
	ds, err := batch.New("toy", samples).BatchSize(8).Seed(seed).Infinite(true).Done()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// newBackend is the backend of the tests: $GOMLX_BACKEND, else GoKD's default (XLA's CPU compiler when its plugin
// is installed, else the Go backend); `make test` runs this package on both.
func newBackend(t *testing.T) compute.Backend {
	b, err := gokdbackend.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func meanDice(t *testing.T, backend compute.Backend, m *inference.Model, samples []datasets.Sample) float64 {
	p, err := m.NewPredictor(backend)
	if err != nil {
		t.Fatal(err)
	}
	preds, err := p.Predict(samples, 8)
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for i, s := range samples {
		c, err := metrics.CountLabels(preds[i], s.Mask, 1)
		if err != nil {
			t.Fatal(err)
		}
		total += c.Dice()
	}
	return total / float64(len(samples))
}

func TestTrainSaveLoadAndDistil(t *testing.T) {
	backend := newBackend(t)
	trainSet, testSet := toySamples(64, 1), toySamples(16, 2)
	var progress []Progress
	teacher, history, err := Run(backend, Job{
		Name: "teacher", Net: toyNet(8), Data: toyData(t, trainSet, 1), Steps: 60, Seed: 1,
		Objective: losses.DefaultObjective(), ProgressEvery: 20,
		Progress: func(p Progress) { progress = append(progress, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 3 || progress[2].Step != 60 || history.StepMS <= 0 {
		t.Fatalf("progress %+v, step %.1f ms: want reports at 20, 40, 60", progress, history.StepMS)
	}
	first, last := history.Metrics["loss"][0], history.Metrics["loss"][2]
	if !(last < first) {
		t.Errorf("training loss did not decrease: %v", history.Metrics["loss"])
	}
	if _, hasKL := history.Metrics["kl"]; hasKL {
		t.Error("supervised training reports a KL term")
	}
	dice := meanDice(t, backend, teacher, testSet)
	if dice < 0.7 {
		t.Fatalf("teacher Dice on held-out toy squares = %.3f, want ≥ 0.7", dice)
	}

	// Save and load: same predictions.
	dir := filepath.Join(t.TempDir(), "teacher")
	if err := teacher.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := inference.LoadModel(dir, toyNet(8))
	if err != nil {
		t.Fatal(err)
	}
	if got := meanDice(t, backend, loaded, testSet); got != dice || loaded.Name != "teacher" {
		t.Fatalf("loaded model: Dice %.4f name %q, want %.4f %q", got, loaded.Name, dice, "teacher")
	}
	// Loading into another architecture is a clear error.
	_, err = inference.LoadModel(dir, toyNet(4))
	var archErr *ckpt.ArchitectureError
	if !errors.As(err, &archErr) || !strings.Contains(err.Error(), "net/") {
		t.Fatalf("loading into a narrower net: err = %v, want an architecture error naming variables", err)
	}

	// Distil a narrower student from two teachers (adaptive fusion), with feature pairs.
	before := meanDice(t, backend, teacher, testSet)
	student, history, err := Run(backend, Job{
		Name: "student", Net: toyNet(4), Teachers: []*inference.Model{teacher, loaded}, Features: []string{nets.BottleneckFeature},
		Data: toyData(t, trainSet, 2), Steps: 40, Seed: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"kl", "hint", "attention", "target_supervision", "dice_loss", "lovasz", "dice"} {
		if _, ok := history.Metrics[term]; !ok {
			t.Errorf("distillation history lacks %q: %v", term, history.Metrics)
		}
	}
	if meanDice(t, backend, teacher, testSet) != before {
		t.Error("distillation changed the frozen teacher")
	}
	if student.ParamCount() >= teacher.ParamCount() {
		t.Errorf("student has %d parameters, teacher %d", student.ParamCount(), teacher.ParamCount())
	}
	for v := range student.Store.IterVariables() {
		if !strings.HasPrefix(v.Path(), "/"+inference.NetScope+"/") {
			t.Errorf("trained student keeps a foreign variable %s", v.Path())
		}
	}
}

func TestJobValidation(t *testing.T) {
	backend := newBackend(t)
	data := toyData(t, toySamples(8, 1), 1)
	cases := map[string]Job{
		"no steps":                         {Name: "x", Net: toyNet(4), Data: data},
		"no data":                          {Name: "x", Net: toyNet(4), Steps: 1},
		"bad feature":                      {Name: "x", Net: toyNet(4), Data: data, Steps: 1, Features: []string{"nope"}},
		"empty teacher":                    {Name: "x", Net: toyNet(4), Data: data, Steps: 1, Teachers: []*inference.Model{{}}},
		"targets without them in the data": {Name: "x", Net: toyNet(4), Data: data, Steps: 1, Precomputed: &Precomputed{Teachers: 1, Parts: []PrecomputedPart{{Dims: []int{toySize, toySize, 2}}}}},
	}
	for name, job := range cases {
		if _, _, err := Run(backend, job); err == nil {
			t.Errorf("%s: Run succeeded", name)
		}
	}
}
