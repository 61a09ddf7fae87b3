package train

import (
	"math"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gokd/gokd/datasets/batch"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
)

// TestPrecomputedDistillationEqualsOnline distils one student twice from the same two teachers, logits and
// bottleneck features: once running the teachers at every step, once from their outputs precomputed in every
// view. Without intensity jitter (the one thing precomputed teachers do not see) the two runs are the same
// training: every recorded loss term must agree at every step.
func TestPrecomputedDistillationEqualsOnline(t *testing.T) {
	backend := newBackend(t)
	samples := toySamples(24, 11)
	teachers := make([]*inference.Model, 2)
	for k := range teachers {
		var err error
		if teachers[k], _, err = Run(backend, Job{Name: "teacher", Net: toyNet(8), Data: toyData(t, samples[k*12:(k+1)*12], 1),
			Steps: 30, Seed: int64(k + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	features := []string{nets.BottleneckFeature}
	precomputed, err := Precompute(backend, teachers, features, samples, 8)
	if err != nil {
		t.Fatal(err)
	}
	// Layout: per teacher its logits [S,S,2], then its bottleneck [S/2,S/2,16]; view 3 of sample 5 holds the
	// teacher's logits of that view.
	wantParts := []PrecomputedPart{{0, "", []int{toySize, toySize, 2}}, {0, "bottleneck", []int{toySize / 2, toySize / 2, 16}},
		{1, "", []int{toySize, toySize, 2}}, {1, "bottleneck", []int{toySize / 2, toySize / 2, 16}}}
	if len(precomputed.Parts) != len(wantParts) || len(precomputed.Values) != len(samples) ||
		len(precomputed.Values[0]) != batch.NumViews*precomputed.Length() {
		t.Fatalf("precomputed %d parts, %d samples of %d values; want %d parts, %d samples of %d views × %d",
			len(precomputed.Parts), len(precomputed.Values), len(precomputed.Values[0]), len(wantParts), len(samples),
			batch.NumViews, precomputed.Length())
	}
	for i, p := range precomputed.Parts {
		if p.Teacher != wantParts[i].Teacher || p.Feature != wantParts[i].Feature || !slices.Equal(p.Dims, wantParts[i].Dims) {
			t.Fatalf("part %d is %+v, want %+v", i, p, wantParts[i])
		}
	}
	viewed, err := batch.View(samples[5], 3)
	if err != nil {
		t.Fatal(err)
	}
	predictor, err := teachers[1].NewPredictor(backend)
	if err != nil {
		t.Fatal(err)
	}
	logits, err := predictor.Logits([]datasets.Sample{viewed}, 8)
	if err != nil {
		t.Fatal(err)
	}
	offset := 3*precomputed.Length() + precomputed.Parts[0].size() + precomputed.Parts[1].size()
	for px, want := range logits[0] {
		if got := precomputed.Values[5][offset+px]; math.Abs(float64(got-want)) > 1e-4*(1+math.Abs(float64(want))) {
			t.Fatalf("teacher 1's logit %d of sample 5 in view 3: precomputed %g, predicted %g", px, got, want)
		}
	}

	geometric := batch.Augmentation{Flips: true, Rotations: true}
	data := func(precomputed *Precomputed) *batch.Dataset {
		c := batch.New("student", samples).BatchSize(8).Seed(3).Shuffle(true).Augment(geometric).Infinite(true)
		if precomputed != nil {
			c = c.Targets(precomputed.Values, precomputed.Length())
		}
		ds, err := c.Done()
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	job := Job{Name: "student", Net: toyNet(4), Features: features, Steps: 12, Seed: 5, ProgressEvery: 1}
	online, offline := job, job
	online.Teachers, online.Data = teachers, data(nil)
	offline.Precomputed, offline.Data = precomputed, data(precomputed)
	_, onlineHistory, err := Run(backend, online)
	if err != nil {
		t.Fatal(err)
	}
	_, offlineHistory, err := Run(backend, offline)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"loss", "kl", "hint", "attention", "target_supervision", "dice_loss"} {
		a, b := onlineHistory.Metrics[term], offlineHistory.Metrics[term]
		if len(a) != job.Steps || len(b) != job.Steps {
			t.Fatalf("%s: %d online and %d offline records, want %d", term, len(a), len(b), job.Steps)
		}
		for step := range a {
			if math.Abs(a[step]-b[step]) > 1e-3*(1+math.Abs(a[step])) {
				t.Fatalf("%s at step %d: online %.6f, precomputed %.6f", term, step+1, a[step], b[step])
			}
		}
	}

	// A precomputed job names the same features as its outputs, and has no teacher networks besides.
	bad := offline
	bad.Features = nil
	if _, _, err := Run(backend, bad); err == nil {
		t.Error("a precomputed job with other features than its outputs' ran")
	}
	bad = offline
	bad.Teachers = teachers
	if _, _, err := Run(backend, bad); err == nil {
		t.Error("a job with both precomputed outputs and teacher networks ran")
	}
}
