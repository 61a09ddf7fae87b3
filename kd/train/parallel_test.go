package train

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/inference"
	"github.com/gomlx/gomlx/core/tensors"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
)

// parallelJob is a short supervised run on the toy squares.
func parallelJob(t *testing.T, devices int) Job {
	return Job{Name: "dp", Net: toyNet(4), Data: toyData(t, toySamples(32, 5), 5), Steps: 4, Seed: 3, Devices: devices}
}

// variables returns the flat float32 values of every variable of m, by path.
func variables(t *testing.T, m *inference.Model) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range m.Store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		flat, err := tensors.CopyFlatData[float32](value)
		if err != nil {
			t.Fatalf("%s: %v", v.Path(), err)
		}
		out[v.Path()] = flat
	}
	return out
}

// maxDifference returns the largest absolute difference between the same variables of a and b, failing when
// they do not have the same variables and shapes.
func maxDifference(t *testing.T, a, b map[string][]float32) float64 {
	t.Helper()
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d variables against %d", len(a), len(b))
	}
	worst := 0.0
	for path, va := range a {
		vb, ok := b[path]
		if !ok || len(va) != len(vb) {
			t.Fatalf("variable %s: %d values against %d", path, len(va), len(vb))
		}
		for i := range va {
			worst = max(worst, math.Abs(float64(va[i]-vb[i])))
		}
	}
	return worst
}

func TestOneDeviceIsPlainTraining(t *testing.T) {
	backend := newBackend(t)
	plain, _, err := Run(backend, parallelJob(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := variables(t, plain)
	for _, devices := range []int{1, AllDevices} {
		if devices == AllDevices && backend.NumDevices() > 1 {
			continue // Data-parallel training: TestShardedPathMatchesPlainTraining.
		}
		trained, _, err := Run(backend, parallelJob(t, devices))
		if err != nil {
			t.Fatalf("Devices=%d: %v", devices, err)
		}
		if d := maxDifference(t, want, variables(t, trained)); d != 0 {
			t.Errorf("Devices=%d: weights differ from plain training by %g", devices, d)
		}
	}
}

// TestShardedPathMatchesPlainTraining runs the data-parallel code path (sharded batches, AutoSharding) on a mesh
// of two devices where the backend has them (XLA's CPU plugin offers four on any machine), else of one. GoMLX's Go
// backend cannot build distributed graphs (compute v0.1.14: its Builder inherits
// notimplemented.Builder.DistributedAutoSharding), so there the test checks that the failure is a clear error and
// skips; on a backend that can, the weights must match plain training up to float32 rounding (the all-reduce sums
// the replicas' gradients in another order: measured 1.2e-7 on xla:cpu).
func TestShardedPathMatchesPlainTraining(t *testing.T) {
	backend := newBackend(t)
	devices := min(2, backend.NumDevices())
	job := parallelJob(t, devices)
	job.forceSharding = true
	sharded, _, err := Run(backend, job)
	if err != nil {
		if strings.Contains(err.Error(), "not implemented") && strings.Contains(err.Error(), "DistributedAutoSharding") {
			t.Skipf("backend %s cannot run distributed graphs: %v", backend.Name(), err)
		}
		t.Fatal(err)
	}
	plain, _, err := Run(backend, parallelJob(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDifference(t, variables(t, plain), variables(t, sharded)); d > 1e-5 {
		t.Errorf("data-parallel path on %d device(s): weights differ from plain training by %g", devices, d)
	}
}

func TestDevicesValidation(t *testing.T) {
	backend := newBackend(t)
	_, _, err := Run(backend, parallelJob(t, backend.NumDevices()+1))
	if !errors.Is(err, ErrTooFewDevices) || !strings.Contains(err.Error(), "xla:cuda") {
		t.Errorf("more devices than the backend has: err = %v, want ErrTooFewDevices naming xla:cuda", err)
	}
	if _, _, err := Run(backend, parallelJob(t, -3)); err == nil || !strings.Contains(err.Error(), "Job.Devices is -3") {
		t.Errorf("Devices=-3: err = %v", err)
	}
}

// TestShardingSplitsTheBatch checks, on the host, that a batch is cut into contiguous equal slices in device
// order, and that a batch that does not divide is refused.
func TestShardingSplitsTheBatch(t *testing.T) {
	backend := newBackend(t)
	const devices, batchSize, per = 4, 8, 3
	dp, err := newDataParallel(backend, toyData(t, toySamples(8, 1), 1), devices)
	if err != nil {
		t.Fatal(err)
	}
	dp.onHost = true
	values := make([]float32, batchSize*per)
	labels := make([]int32, batchSize)
	for i := range values {
		values[i] = float32(i)
	}
	for i := range labels {
		labels[i] = int32(100 + i)
	}
	sharded, err := dp.shard(gomlxtrain.Batch{
		Inputs: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(values, batchSize, per)},
		Labels: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(labels, batchSize)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sharded.Finalize() }()
	if len(sharded.Inputs) != 1 || len(sharded.Labels) != 1 {
		t.Fatalf("%d inputs and %d labels, want 1 and 1", len(sharded.Inputs), len(sharded.Labels))
	}
	rows := batchSize / devices
	for d, shard := range sharded.Inputs[0].Shards() {
		got := tensors.MustCopyFlatData[float32](shard)
		if len(got) != rows*per || got[0] != float32(d*rows*per) || got[len(got)-1] != float32((d+1)*rows*per-1) {
			t.Errorf("device %d gets inputs %v, want rows %d…%d", d, got, d*rows, (d+1)*rows-1)
		}
		label := tensors.MustCopyFlatData[int32](sharded.Labels[0].Shards()[d])
		if len(label) != rows || label[0] != int32(100+d*rows) {
			t.Errorf("device %d gets labels %v, want from %d", d, label, 100+d*rows)
		}
	}

	_, err = dp.shard(gomlxtrain.Batch{Inputs: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(values[:6*per], 6, per)}})
	if err == nil || !strings.Contains(err.Error(), "multiple of Job.Devices") {
		t.Errorf("batch of 6 over 4 devices: err = %v, want a clear error", err)
	}
}
