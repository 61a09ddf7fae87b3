package nets

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// buildOnce builds cfg on a zero batch of the given size in store, returning the Output's logits and features
// shapes as tensors (computed on the Go backend).
func buildOnce(t *testing.T, backend compute.Backend, store *model.Store, cfg *Config, batch, size int) (
	logits *tensors.Tensor, features map[string]*tensors.Tensor) {
	t.Helper()
	names := cfg.FeatureNames()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) []*Node {
		out, err := cfg.Apply(scope, images)
		if err != nil {
			panic(err)
		}
		nodes := []*Node{out.Logits}
		for _, name := range names {
			nodes = append(nodes, out.Features[name])
		}
		return nodes
	})
	if err != nil {
		t.Fatalf("NewExec(%s): %v", cfg, err)
	}
	outputs, err := exec.Call(wavyTensor(batch, size, size, cfg.NumInputChannels()))
	if err != nil {
		t.Fatalf("running %s: %v", cfg, err)
	}
	features = make(map[string]*tensors.Tensor, len(names))
	for i, name := range names {
		features[name] = outputs[i+1]
	}
	return outputs[0], features
}

func trainableParams(store *model.Store) int {
	total := 0
	for v := range store.IterVariables() {
		if v.Trainable {
			total += v.Shape().Size()
		}
	}
	return total
}

func TestParamCountMatchesVariables(t *testing.T) {
	backend := testBackend(t)
	configs := map[string]*Config{
		"teacher":        Teacher(),
		"student":        Student(),
		"no-norm":        NewConfig().Levels(3).BaseWidth(4).Norm(NormNone, 0).InputChannels(3).Classes(3),
		"batch-norm-sep": NewConfig().Levels(2).BaseWidth(6).WidthMultiplier(1.5).Norm(NormBatch, 0).Conv(ConvSeparable),
		"stem":           NewConfig().Levels(2).BaseWidth(4).Conv(ConvSeparable).Stem(2).InputChannels(3).Classes(3),
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			store := model.NewStore()
			buildOnce(t, backend, store, cfg, 1, 2*cfg.SizeDivisor())
			if got, want := trainableParams(store), cfg.ParamCount(); got != want {
				t.Errorf("%s: %d trainable parameters created, ParamCount() = %d", cfg, got, want)
			}
		})
	}
}

func TestTeacherAndStudentFeaturesPair(t *testing.T) {
	backend := testBackend(t)
	const batch, size = 2, 32
	teacher, student := Teacher(), Student()
	if tn, sn := strings.Join(teacher.FeatureNames(), ","), strings.Join(student.FeatureNames(), ","); tn != sn {
		t.Fatalf("feature names differ: teacher %s, student %s", tn, sn)
	}
	for _, cfg := range []*Config{teacher, student, Student().Stem(2)} {
		logits, features := buildOnce(t, backend, model.NewStore(), cfg, batch, size)
		if got, want := logits.Shape().Dimensions, []int{batch, size, size, cfg.NumClasses()}; !slices.Equal(got, want) {
			t.Errorf("%s: logits dims %v, want %v", cfg, got, want)
		}
		widths := cfg.Widths()
		for _, name := range cfg.FeatureNames() {
			level := featureLevel(t, name, cfg.NumLevels())
			side := size / cfg.StemFactor() >> level
			want := []int{batch, side, side, widths[level]}
			if got := features[name].Shape().Dimensions; !slices.Equal(got, want) {
				t.Errorf("%s: feature %q dims %v, want %v", cfg, name, got, want)
			}
		}
	}
}

// featureLevel parses the resolution level out of a feature name.
func featureLevel(t *testing.T, name string, levels int) int {
	t.Helper()
	if name == BottleneckFeature {
		return levels - 1
	}
	for level := range levels - 1 {
		if name == EncoderFeature(level) || name == DecoderFeature(level) {
			return level
		}
	}
	t.Fatalf("unexpected feature name %q", name)
	return -1
}

func TestStudentIsMuchCheaperThanTeacher(t *testing.T) {
	teacher, student := Teacher(), Student()
	paramRatio := float64(teacher.ParamCount()) / float64(student.ParamCount())
	flopRatio := float64(teacher.FLOPsPerSlice(128)) / float64(student.FLOPsPerSlice(128))
	t.Logf("teacher %d params, %.1f MFLOPs/slice@128²; student %d params, %.1f MFLOPs; ratios %.1f× / %.1f×",
		teacher.ParamCount(), float64(teacher.FLOPsPerSlice(128))/1e6,
		student.ParamCount(), float64(student.FLOPsPerSlice(128))/1e6, paramRatio, flopRatio)
	if paramRatio < 10 {
		t.Errorf("teacher/student parameter ratio %.1f, want ≥ 10", paramRatio)
	}
	if flopRatio < 5 {
		t.Errorf("teacher/student FLOPs ratio %.1f, want ≥ 5", flopRatio)
	}
}

func TestFLOPsPerSliceOfSingleConvNet(t *testing.T) {
	// One level, no norm: two 3×3 convs (in→w, w→w) and a 1×1 head, all at full resolution.
	cfg := NewConfig().Levels(1).BaseWidth(4).Norm(NormNone, 0).InputChannels(2).Classes(3)
	const size = 10
	want := int64(2 * (9*2*4 + 9*4*4 + 4*3) * size * size)
	if got := cfg.FLOPsPerSlice(size); got != want {
		t.Errorf("FLOPsPerSlice(%d) = %d, want %d", size, got, want)
	}
	if got, want := cfg.ParamCount(), 9*2*4+4+9*4*4+4+4*3+3; got != want {
		t.Errorf("ParamCount() = %d, want %d", got, want)
	}
	// A stem of 2 runs the same convolutions at half the side on 4× the input channels, with 4× the head outputs.
	stem := NewConfig().Levels(1).BaseWidth(4).Norm(NormNone, 0).InputChannels(2).Classes(3).Stem(2)
	want = int64(2 * (9*8*4 + 9*4*4 + 4*12) * (size / 2) * (size / 2))
	if got := stem.FLOPsPerSlice(size); got != want {
		t.Errorf("stem: FLOPsPerSlice(%d) = %d, want %d", size, got, want)
	}
}

func TestApplyRejectsBadInput(t *testing.T) {
	backend := testBackend(t)
	cases := []struct {
		name     string
		cfg      *Config
		dims     []int
		wantText string
	}{
		{"wrong-channels", Teacher(), []int{1, 16, 16, 3}, "3 channels, want 1"},
		{"not-divisible", Teacher(), []int{1, 20, 20, 1}, "multiples of 8"},
		{"not-divisible-stem", NewConfig().Levels(3).Stem(2), []int{1, 12, 12, 1}, "multiples of 8 for 3 levels and stem 2"},
		{"bad-stem", NewConfig().Stem(0), []int{1, 16, 16, 1}, "stem factor 0"},
		{"rank-3", Teacher(), []int{16, 16, 1}, "want [batch, height, width, 1]"},
		{"bad-config", NewConfig().Classes(0), []int{1, 16, 16, 1}, "0 classes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGraph(backend, tc.name)
			images := Parameter(g, "images", shapes.Make(dtypes.Float32, tc.dims...))
			_, err := tc.cfg.Apply(model.NewStore().RootScope(), images)
			if err == nil || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("Apply(%v) error = %v, want one containing %q", tc.dims, err, tc.wantText)
			}
		})
	}
}

func TestNativeAndShiftedNetworksShareVariables(t *testing.T) {
	backend := testBackend(t)
	store := model.NewStore()
	base := func() *Config { return NewConfig().Levels(2).BaseWidth(4).InputChannels(3) }
	native, _ := buildOnce(t, backend, store, base().ConvImpl(ConvNative), 2, 8)
	variables := store.NumVariables()
	shifted, _ := buildOnce(t, backend, store, base().ConvImpl(ConvShifted), 2, 8)
	if store.NumVariables() != variables {
		t.Fatalf("shifted implementation created %d new variables", store.NumVariables()-variables)
	}
	assertClose(t, "logits", tensors.MustCopyFlatData[float32](native), tensors.MustCopyFlatData[float32](shifted), 1e-4)
	sep := func() *Config { return base().Conv(ConvSeparable).Norm(NormInstance, 0) }
	store = model.NewStore()
	native, _ = buildOnce(t, backend, store, sep().ConvImpl(ConvNative), 2, 8)
	shifted, _ = buildOnce(t, backend, store, sep().ConvImpl(ConvShifted), 2, 8)
	assertClose(t, "separable logits", tensors.MustCopyFlatData[float32](native),
		tensors.MustCopyFlatData[float32](shifted), 1e-4)
}

// squaresBatch returns images with one bright square each (plus a dim gradient background) and its mask.
func squaresBatch(batch, size, step int) (images []float32, labels []int32) {
	images = make([]float32, batch*size*size)
	labels = make([]int32, batch*size*size)
	for b := range batch {
		side := size/4 + (b+step)%(size/4)
		y0, x0 := (3*b+step)%(size-side), (5*b+2*step)%(size-side)
		for y := range size {
			for x := range size {
				i := (b*size+y)*size + x
				images[i] = 0.1 * float32(x+y) / float32(size)
				if y >= y0 && y < y0+side && x >= x0 && x < x0+side {
					images[i] += 1
					labels[i] = 1
				}
			}
		}
	}
	return images, labels
}

// newSegmentationTrainer returns a trainer of cfg with Adam and softmax cross-entropy.
func newSegmentationTrainer(backend compute.Backend, cfg *Config, learningRate float64) *train.Trainer {
	return train.NewTrainer(backend, model.NewStore(), cfg.Logits, loss.SparseCategoricalCrossEntropyLogits,
		optimizer.Adam().LearningRate(learningRate).Done(), nil, nil)
}

// trainStep runs one step on a fresh batch (the trainer takes ownership of its tensors) and returns the loss.
func trainStep(tb testing.TB, trainer *train.Trainer, images []float32, labels []int32, batch, size int) float32 {
	tb.Helper()
	metrics, err := trainer.TrainStep(train.Batch{
		Inputs: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(images, batch, size, size, 1)},
		Labels: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(labels, batch, size, size, 1)},
	})
	if err != nil {
		tb.Fatalf("TrainStep: %v", err)
	}
	return tensors.ToScalar[float32](metrics[0])
}

func TestTinyUNetLearnsSquares(t *testing.T) {
	backend := testBackend(t)
	const batch, size, steps = 4, 16, 20
	for _, cfg := range []*Config{
		NewConfig().Levels(2).BaseWidth(4),
		NewConfig().Levels(2).BaseWidth(4).Conv(ConvSeparable).Norm(NormBatch, 0),
		NewConfig().Levels(2).BaseWidth(4).Conv(ConvSeparable).Stem(2),
	} {
		trainer := newSegmentationTrainer(backend, cfg, 0.01)
		var first, last float32
		for step := range steps {
			images, labels := squaresBatch(batch, size, step%3)
			lossValue := trainStep(t, trainer, images, labels, batch, size)
			if step == 0 {
				first = lossValue
			}
			last = lossValue
		}
		t.Logf("%s: loss %.4f → %.4f after %d steps", cfg, first, last, steps)
		if !(last < 0.7*first) {
			t.Errorf("%s: loss went from %.4f to %.4f in %d Adam steps, want a drop of ≥ 30%%", cfg, first, last, steps)
		}
	}
}
