package batch

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// TestTargetsFollowTheMask attaches targets that copy the mask (channel 0) and the sample id (channel 1): after
// flips and rotations, channel 0 must still equal the mask pixel by pixel and channel 1 the sample's id.
func TestTargetsFollowTheMask(t *testing.T) {
	const n, size = 12, 6
	samples := idSamples(n, size, 1)
	targets := make([][]float32, n)
	for i, s := range samples {
		targets[i] = make([]float32, size*size*2)
		for p, m := range s.Mask {
			targets[i][2*p], targets[i][2*p+1] = float32(m), float32(i)
		}
	}
	ds, err := New("targets", samples).BatchSize(4).Shuffle(true).Seed(5).Augment(DefaultAugmentation).
		Targets(targets, 2).Done()
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		if len(batch.Labels) != 2 {
			t.Fatalf("batch has %d label tensors, want mask and targets", len(batch.Labels))
		}
		masks := tensors.MustCopyFlatData[int32](batch.Labels[0])
		got := tensors.MustCopyFlatData[float32](batch.Labels[1])
		images := tensors.MustCopyFlatData[float32](batch.Inputs[0])
		for p, m := range masks {
			if got[2*p] != float32(m) {
				t.Fatalf("pixel %d: target %v, mask %d: the target did not move with the mask", p, got[2*p], m)
			}
			sample := p / (size * size)
			id := got[2*(sample*size*size)+1]
			// The image is the id up to the intensity jitter (±10% gain, ±0.1 shift), which targets never get.
			if got[2*p+1] != id || math.Abs(float64(images[p]-id)) > 0.1*float64(id)+0.1+1e-5 {
				t.Fatalf("pixel %d: id channel %v and image %v, want the sample's id %v", p, got[2*p+1], images[p], id)
			}
			if masks[p] != samples[int(id)].Mask[p%(size*size)] {
				moved++
			}
		}
		_ = batch.Finalize()
	}
	if moved == 0 {
		t.Fatal("augmentation moved no mask pixel: the test checks nothing")
	}
	if _, err := New("bad", samples).Targets(targets[:3], 2).Done(); err == nil {
		t.Error("targets for fewer samples than the dataset were accepted")
	}
}
