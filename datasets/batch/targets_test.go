package batch

import (
	"math"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gomlx/gomlx/core/tensors"
)

// lSamples returns idSamples whose mask is an L in the top-left corner: three pixels of the first row and one
// below the first. No two symmetries of the square map it to the same mask.
func lSamples(n, size int) []datasets.Sample {
	samples := idSamples(n, size, 1)
	for i := range samples {
		clear(samples[i].Mask)
		for _, p := range []int{0, 1, 2, size} {
			samples[i].Mask[p] = 1
		}
	}
	return samples
}

// TestViewsAreTheSymmetries checks that the 16 draws of flips and quarter turns name 8 views, each view moving
// pixels exactly as the draws named by it, and that the 8 views differ.
func TestViewsAreTheSymmetries(t *testing.T) {
	const n = 5
	seen := map[int]bool{}
	for bits := range 16 {
		draw := dihedral{flipY: bits&1 != 0, flipX: bits&2 != 0, quarterTurns: bits >> 2}
		view := draw.view()
		if view < 0 || view >= NumViews {
			t.Fatalf("draw %+v: view %d outside [0, %d)", draw, view, NumViews)
		}
		seen[view] = true
		for y := range n {
			for x := range n {
				wy, wx := draw.source(y, x, n)
				if gy, gx := viewGeometry(view).source(y, x, n); gy != wy || gx != wx {
					t.Fatalf("draw %+v, view %d: pixel (%d,%d) comes from (%d,%d), want (%d,%d)", draw, view, y, x, gy, gx, wy, wx)
				}
			}
		}
	}
	if len(seen) != NumViews {
		t.Errorf("16 draws name %d views, want %d", len(seen), NumViews)
	}
	s := lSamples(1, n)[0]
	var masks [][]int32
	for v := range NumViews {
		viewed, err := View(s, v)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(masks, func(m []int32) bool { return slices.Equal(m, viewed.Mask) }) {
			t.Errorf("view %d repeats another view's mask", v)
		}
		masks = append(masks, viewed.Mask)
	}
	if !slices.Equal(masks[0], s.Mask) {
		t.Error("view 0 changed the sample")
	}
	if _, err := View(s, NumViews); err == nil {
		t.Error("View accepted view", NumViews)
	}
}

// TestTargetsFollowTheView attaches to each view of each sample a target that holds that view's mask and the
// sample's id: in every batch the target must equal the augmented mask pixel by pixel, and name the sample.
func TestTargetsFollowTheView(t *testing.T) {
	const n, size = 12, 6
	samples := lSamples(n, size)
	length := size*size + 1
	targets := make([][]float32, n)
	for i, s := range samples {
		for v := range NumViews {
			viewed, err := View(s, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range viewed.Mask {
				targets[i] = append(targets[i], float32(m))
			}
			targets[i] = append(targets[i], float32(i))
		}
	}
	ds, err := New("targets", samples).BatchSize(4).Shuffle(true).Seed(5).Augment(DefaultAugmentation).
		Targets(targets, length).Done()
	if err != nil {
		t.Fatal(err)
	}
	views := map[string]bool{}
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		if len(batch.Labels) != 2 {
			t.Fatalf("batch has %d label tensors, want mask and targets", len(batch.Labels))
		}
		if dims := batch.Labels[1].Shape().Dimensions; !slices.Equal(dims, []int{4, length}) {
			t.Fatalf("targets are %v, want [4 %d]", dims, length)
		}
		masks := tensors.MustCopyFlatData[int32](batch.Labels[0])
		got := tensors.MustCopyFlatData[float32](batch.Labels[1])
		images := tensors.MustCopyFlatData[float32](batch.Inputs[0])
		for k := range 4 {
			target, mask := got[k*length:(k+1)*length], masks[k*size*size:(k+1)*size*size]
			for p, m := range mask {
				if target[p] != float32(m) {
					t.Fatalf("sample %d, pixel %d: target %v, mask %d: the target is not the drawn view's", k, p, target[p], m)
				}
			}
			// The image is the id up to the intensity jitter (±10% gain, ±0.1 shift), which targets never get.
			id := target[size*size]
			if image := images[k*size*size]; math.Abs(float64(image-id)) > 0.1*float64(id)+0.1+1e-5 {
				t.Fatalf("sample %d: target names sample %v, image is %v", k, id, image)
			}
			views[fmtMask(mask)] = true
		}
		_ = batch.Finalize()
	}
	if len(views) < 4 {
		t.Fatalf("the augmentation drew %d distinct views in an epoch: the test checks little", len(views))
	}
	if _, err := New("bad", samples).Targets(targets[:3], length).Done(); err == nil {
		t.Error("targets for fewer samples than the dataset were accepted")
	}
	if _, err := New("bad", samples).Targets(targets, length+1).Done(); err == nil {
		t.Error("targets of the wrong length were accepted")
	}
}

// fmtMask is a mask as a string key.
func fmtMask(mask []int32) string {
	b := make([]byte, len(mask))
	for i, m := range mask {
		b[i] = byte('0' + m)
	}
	return string(b)
}
