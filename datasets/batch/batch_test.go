package batch

import (
	"errors"
	"io"
	"runtime"
	"slices"
	"testing"

	"github.com/gokd/gokd/datasets"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
)

// idSamples returns n samples of size×size×channels whose image is constant, equal to the sample's id, and whose
// mask marks id%size pixels of the first row, so every sample is recognisable after batching.
func idSamples(n, size, channels int) []datasets.Sample {
	samples := make([]datasets.Sample, n)
	for i := range samples {
		image := make([]float32, size*size*channels)
		for p := range image {
			image[p] = float32(i)
		}
		mask := make([]int32, size*size)
		for p := range i % size {
			mask[p] = 1
		}
		samples[i] = datasets.Sample{Image: image, Mask: mask, Size: size, Channels: channels, Site: "s",
			Case: "c", Index: i}
	}
	return samples
}

// collect runs one iteration and returns the images and masks of every batch.
func collect(t *testing.T, ds train.Dataset) (images [][]float32, masks [][]int32, dims [][]int) {
	t.Helper()
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		if len(batch.Inputs) != 1 || len(batch.Labels) != 1 {
			t.Fatalf("batch has %d inputs and %d labels, want 1 and 1", len(batch.Inputs), len(batch.Labels))
		}
		images = append(images, tensors.MustCopyFlatData[float32](batch.Inputs[0]))
		masks = append(masks, tensors.MustCopyFlatData[int32](batch.Labels[0]))
		dims = append(dims, append(slices.Clone(batch.Inputs[0].Shape().Dimensions),
			batch.Labels[0].Shape().Dimensions...))
		if err := batch.Finalize(); err != nil {
			t.Fatal(err)
		}
	}
	return images, masks, dims
}

// ids returns the sample ids of the batches of constant idSamples images.
func ids(images [][]float32, sampleLen int) []int {
	var out []int
	for _, batch := range images {
		for k := 0; k < len(batch); k += sampleLen {
			out = append(out, int(batch[k]))
		}
	}
	return out
}

func TestShapesAndEpochCoverage(t *testing.T) {
	const n, size, channels = 23, 4, 3
	for _, drop := range []bool{false, true} {
		ds, err := New("test", idSamples(n, size, channels)).BatchSize(5).Shuffle(true).DropPartial(drop).
			Workers(3).Prefetch(2).Done()
		if err != nil {
			t.Fatal(err)
		}
		images, masks, dims := collect(t, ds)
		wantBatches := 5
		if drop {
			wantBatches = 4
		}
		if len(images) != wantBatches || ds.BatchesPerEpoch() != wantBatches {
			t.Fatalf("drop=%v: %d batches (BatchesPerEpoch %d), want %d", drop, len(images), ds.BatchesPerEpoch(),
				wantBatches)
		}
		for b, d := range dims {
			want := []int{5, size, size, channels, 5, size, size}
			if b == 4 {
				want = []int{3, size, size, channels, 3, size, size}
			}
			if !slices.Equal(d, want) {
				t.Errorf("drop=%v batch %d: image and label dims %v, want %v", drop, b, d, want)
			}
		}
		seen := ids(images, size*size*channels)
		sorted := slices.Sorted(slices.Values(seen))
		if len(slices.Compact(slices.Clone(sorted))) != len(seen) {
			t.Errorf("drop=%v: a sample appears twice in one epoch: %v", drop, seen)
		}
		if !drop && !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
			19, 20, 21, 22}) {
			t.Errorf("epoch visited %v, want every sample once", sorted)
		}
		if slices.IsSorted(seen) {
			t.Errorf("drop=%v: shuffled epoch is in sample order", drop)
		}
		// Labels travel with their images.
		for b, batch := range masks {
			for k := range len(batch) / (size * size) {
				id := int(images[b][k*size*size*channels])
				count := 0
				for _, label := range batch[k*size*size : (k+1)*size*size] {
					count += int(label)
				}
				if count != id%size {
					t.Fatalf("sample %d has %d labelled pixels, want %d", id, count, id%size)
				}
			}
		}
	}
}

func TestDeterministicWithSeed(t *testing.T) {
	build := func(seed uint64, workers int) *Dataset {
		ds, err := New("test", idSamples(20, 4, 1)).BatchSize(4).Shuffle(true).Augment(DefaultAugmentation).
			Seed(seed).Workers(workers).Done()
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	a, b, other := build(3, 1), build(3, 4), build(4, 2)
	var epochsA [][][]float32
	for epoch := range 2 {
		imagesA, masksA, _ := collect(t, a)
		imagesB, masksB, _ := collect(t, b)
		imagesOther, _, _ := collect(t, other)
		for i := range imagesA {
			if !slices.Equal(imagesA[i], imagesB[i]) || !slices.Equal(masksA[i], masksB[i]) {
				t.Fatalf("epoch %d batch %d differs between runs with the same seed", epoch, i)
			}
		}
		if slices.EqualFunc(imagesA, imagesOther, slices.Equal) {
			t.Errorf("epoch %d: seeds 3 and 4 gave the same batches", epoch)
		}
		epochsA = append(epochsA, imagesA)
	}
	if slices.EqualFunc(epochsA[0], epochsA[1], slices.Equal) {
		t.Error("two epochs gave the same batches: no reshuffling")
	}
}

func TestDihedral(t *testing.T) {
	// 3×3 image with values 0..8 (row-major).
	apply := func(d dihedral) []int {
		out := make([]int, 9)
		for y := range 3 {
			for x := range 3 {
				sy, sx := d.source(y, x, 3)
				out[y*3+x] = sy*3 + sx
			}
		}
		return out
	}
	for _, tc := range []struct {
		d    dihedral
		want []int
	}{
		{dihedral{}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{dihedral{flipX: true}, []int{2, 1, 0, 5, 4, 3, 8, 7, 6}},
		{dihedral{flipY: true}, []int{6, 7, 8, 3, 4, 5, 0, 1, 2}},
		{dihedral{quarterTurns: 1}, []int{2, 5, 8, 1, 4, 7, 0, 3, 6}}, // numpy.rot90(arange(9).reshape(3,3)).
		{dihedral{quarterTurns: 2}, []int{8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{dihedral{quarterTurns: 3}, []int{6, 3, 0, 7, 4, 1, 8, 5, 2}},
	} {
		if got := apply(tc.d); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.d, got, tc.want)
		}
	}
}

// TestAugmentationKeepsAlignment augments an asymmetric sample whose mask is exactly where its image is bright:
// whatever the flips and rotations, mask and image must still agree, and several distinct poses must occur.
func TestAugmentationKeepsAlignment(t *testing.T) {
	const size, channels = 5, 2
	image := make([]float32, size*size*channels)
	mask := make([]int32, size*size)
	for _, p := range []int{0, 1, 2, 6, 11} { // An "L"-like, asymmetric shape.
		mask[p] = 1
		image[p*channels], image[p*channels+1] = 1, 1
	}
	samples := make([]datasets.Sample, 32)
	for i := range samples {
		samples[i] = datasets.Sample{Image: image, Mask: mask, Size: size, Channels: channels}
	}
	ds, err := New("aug", samples).BatchSize(8).Augment(Augmentation{Flips: true, Rotations: true}).Done()
	if err != nil {
		t.Fatal(err)
	}
	images, masks, _ := collect(t, ds)
	poses := make(map[string]bool)
	for b := range images {
		for k := range 8 {
			m := masks[b][k*size*size : (k+1)*size*size]
			img := images[b][k*size*size*channels : (k+1)*size*size*channels]
			for p, label := range m {
				if want := float32(label); img[p*channels] != want || img[p*channels+1] != want {
					t.Fatalf("batch %d sample %d pixel %d: image %v but label %d", b, k, p,
						img[p*channels:p*channels+2], label)
				}
			}
			poses[string(int32Bytes(m))] = true
		}
	}
	if len(poses) < 4 {
		t.Errorf("only %d distinct poses among 32 augmented samples, want at least 4 of the 8", len(poses))
	}
}

func int32Bytes(values []int32) []byte {
	out := make([]byte, len(values))
	for i, v := range values {
		out[i] = byte(v)
	}
	return out
}

func TestIntensityJitter(t *testing.T) {
	ds, err := New("jitter", idSamples(8, 4, 1)).BatchSize(8).Augment(Augmentation{IntensityJitter: 0.2}).Done()
	if err != nil {
		t.Fatal(err)
	}
	images, masks, _ := collect(t, ds)
	for k := range 8 {
		got := images[0][k*16 : (k+1)*16]
		// Constant images stay constant (same gain and shift for every pixel), within the jitter's reach.
		if slices.Min(got) != slices.Max(got) {
			t.Errorf("sample %d: jitter is not uniform over the image: %v", k, got)
		}
		if lo, hi := float32(k)*0.8-0.2, float32(k)*1.2+0.2; got[0] < lo || got[0] > hi {
			t.Errorf("sample %d: value %g outside [%g, %g]", k, got[0], lo, hi)
		}
		if want := idSamples(8, 4, 1)[k].Mask; !slices.Equal(masks[0][k*16:(k+1)*16], want) {
			t.Errorf("sample %d: intensity jitter changed the mask", k)
		}
	}
}

func TestInfiniteAndYield(t *testing.T) {
	ds, err := New("inf", idSamples(10, 4, 1)).BatchSize(4).Shuffle(true).Infinite(true).Done()
	if err != nil {
		t.Fatal(err)
	}
	goroutines := runtime.NumGoroutine()
	count := 0
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		if got := batch.Inputs[0].Shape().Dimensions[0]; got != 4 {
			t.Fatalf("infinite batch %d has %d samples, want full batches of 4", count, got)
		}
		if count++; count == 12 { // Three epochs' worth, past several epoch boundaries.
			break
		}
	}
	if now := runtime.NumGoroutine(); now > goroutines {
		t.Errorf("%d goroutines left running after stopping early (%d before)", now-goroutines, goroutines)
	}
	finite, err := New("yield", idSamples(10, 4, 1)).BatchSize(4).Done()
	if err != nil {
		t.Fatal(err)
	}
	for epoch := range 2 {
		batches := 0
		for {
			batch, err := finite.Yield()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			batches++
			_ = batch.Finalize()
		}
		if batches != 3 {
			t.Errorf("epoch %d: Yield gave %d batches before io.EOF, want 3", epoch, batches)
		}
	}
	if _, err := finite.Yield(); err != nil {
		t.Fatal(err)
	}
	finite.Reset() // Abandon the epoch: the next Yield starts over with the first batch.
	batch, err := finite.Yield()
	if err != nil || tensors.MustCopyFlatData[float32](batch.Inputs[0])[0] != 0 {
		t.Errorf("after Reset: err %v, want the first batch (sample 0) again", err)
	}
	finite.Reset()
}

func TestInvalid(t *testing.T) {
	mixed := append(idSamples(2, 4, 1), idSamples(1, 8, 1)...)
	for name, cfg := range map[string]*Config{
		"empty":       New("x", nil),
		"mixed sizes": New("x", mixed),
		"zero batch":  New("x", idSamples(2, 4, 1)).BatchSize(0),
		"no full":     New("x", idSamples(2, 4, 1)).BatchSize(4).DropPartial(true),
	} {
		if _, err := cfg.Done(); err == nil {
			t.Errorf("%s: Done succeeded, want an error", name)
		}
	}
}
