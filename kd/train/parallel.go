package train

import (
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/distributed"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/core/tensors/dtensor"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
)

// AllDevices, as Job.Devices, trains data-parallel on every device of the backend (one device: plain training).
const AllDevices = -1

// ReplicaAxis names the device-mesh axis of data-parallel training: the batch axis of every input and label is
// sharded along it, the variables are replicated.
const ReplicaAxis = "replica"

// ErrTooFewDevices is wrapped by the error of a Job asking for more devices than its backend has.
var ErrTooFewDevices = errors.New("the backend has fewer devices than Job.Devices asks for")

// numDevices resolves Job.Devices against the backend: the number of devices the job trains on (1: plain
// training).
func (job *Job) numDevices(backend compute.Backend) (int, error) {
	have := backend.NumDevices()
	switch {
	case job.Devices == AllDevices:
		return max(have, 1), nil
	case job.Devices < 0:
		return 0, fmt.Errorf("training %q: Job.Devices is %d, want ≥ 0 or AllDevices (%d)", job.Name, job.Devices, AllDevices)
	case job.Devices <= 1:
		return 1, nil
	case job.Devices > have:
		return 0, fmt.Errorf("training %q: Job.Devices is %d but backend %q has %d device(s): %w; data-parallel "+
			"training needs an XLA backend with several accelerators (e.g. GOMLX_BACKEND=xla:cuda on a multi-GPU "+
			"machine) — GoMLX's Go backend always has one device", job.Name, job.Devices, backend.Name(), have, ErrTooFewDevices)
	}
	return job.Devices, nil
}

// dataParallel turns a dataset's batches into batches sharded along their first (batch) axis over a device mesh
// of one axis, ReplicaAxis, for GoMLX's distributed.AutoSharding strategy: the training graph is written for the
// whole (logical) batch, and XLA's Shardy partitioner runs one replica per device on its slice of the batch and
// inserts the all-reduce of the gradients. Every step therefore computes the same loss and update as one device
// on the whole batch, including the losses that pool over the batch (Dice, Lovász).
//
// It implements gomlxtrain.DistributedDataset, which makes gomlxtrain.Loop call Trainer.DistributedTrainStep.
type dataParallel struct {
	gomlxtrain.Dataset
	backend compute.Backend
	mesh    *distributed.DeviceMesh
	devices []compute.DeviceNum
	// onHost keeps the shards on the host (tests of the sharding without as many devices).
	onHost bool
}

// newDataParallel shards source's batches over the first n devices of backend.
func newDataParallel(backend compute.Backend, source gomlxtrain.Dataset, n int) (*dataParallel, error) {
	mesh, err := distributed.NewDeviceMesh([]int{n}, []string{ReplicaAxis})
	if err != nil {
		return nil, fmt.Errorf("data-parallel device mesh of %d devices: %w", n, err)
	}
	devices := make([]compute.DeviceNum, n)
	for i := range devices {
		devices[i] = compute.DeviceNum(i)
	}
	return &dataParallel{Dataset: source, backend: backend, mesh: mesh, devices: devices}, nil
}

// Strategy implements gomlxtrain.DistributedDataset: distributed.AutoSharding.
func (d *dataParallel) Strategy() distributed.Strategy { return distributed.AutoSharding }

// DeviceAssignment implements gomlxtrain.DistributedDataset: devices 0…n-1.
func (d *dataParallel) DeviceAssignment() []compute.DeviceNum { return d.devices }

// DistributedIter implements gomlxtrain.DistributedDataset: each batch of the source, sharded.
func (d *dataParallel) DistributedIter() iter.Seq2[gomlxtrain.DistributedBatch, error] {
	return func(yield func(gomlxtrain.DistributedBatch, error) bool) {
		for batch, err := range d.Iter() {
			var sharded gomlxtrain.DistributedBatch
			if err == nil {
				sharded, err = d.shard(batch)
			}
			if !yield(sharded, err) {
				return
			}
		}
	}
}

// shard splits every input and label of batch along its first axis, one slice per device, and frees batch.
func (d *dataParallel) shard(batch gomlxtrain.Batch) (sharded gomlxtrain.DistributedBatch, err error) {
	defer func() {
		for _, t := range slices.Concat(batch.Inputs, batch.Labels) {
			_ = t.FinalizeAll()
		}
		if err != nil {
			_ = sharded.Finalize()
		}
	}()
	sharded.Spec = batch.Spec
	for i, t := range batch.Inputs {
		s, err := d.shardTensor(t)
		if err != nil {
			return sharded, fmt.Errorf("dataset %q: input %d: %w", d.Name(), i, err)
		}
		sharded.Inputs = append(sharded.Inputs, s)
	}
	for i, t := range batch.Labels {
		s, err := d.shardTensor(t)
		if err != nil {
			return sharded, fmt.Errorf("dataset %q: label %d: %w", d.Name(), i, err)
		}
		sharded.Labels = append(sharded.Labels, s)
	}
	return sharded, nil
}

// shardTensor splits t along its first axis over the mesh and moves each slice to its device.
func (d *dataParallel) shardTensor(t *tensors.Tensor) (*dtensor.Tensor, error) {
	n := d.mesh.NumDevices()
	if t.Rank() == 0 || t.Shape().Dimensions[0]%n != 0 {
		return nil, fmt.Errorf("a batch of shape %s does not split evenly over %d devices: the batch size must be "+
			"a multiple of Job.Devices", t.Shape(), n)
	}
	axes := make([]distributed.AxisSpec, t.Rank())
	axes[0] = distributed.AxisSpec{ReplicaAxis}
	spec, err := distributed.NewShardingSpec(d.mesh, axes...)
	if err != nil {
		return nil, err
	}
	sharded, err := dtensor.ShardTensor(spec, t)
	if err != nil {
		return nil, err
	}
	if d.onHost {
		return sharded, nil
	}
	for i, shard := range sharded.Shards() {
		if err := shard.MaterializeOnDevice(d.backend, false, d.devices[i]); err != nil {
			_ = sharded.FinalizeAll()
			return nil, fmt.Errorf("moving the batch slice to device %d: %w", d.devices[i], err)
		}
	}
	return sharded, nil
}
