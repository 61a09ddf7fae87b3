package train

import (
	"fmt"
	"iter"

	gomlxtrain "github.com/gomlx/gomlx/ml/train"
)

// labelsAsInput passes each batch's label tensors to the model function too (after the images), where the
// objective — which needs the labels and the model's scope together — is built.
type labelsAsInput struct {
	gomlxtrain.Dataset
	labels int // Label tensors expected per batch: the class maps, and the teachers' targets if any.
}

// Iter implements train.Dataset.
func (d labelsAsInput) Iter() iter.Seq2[gomlxtrain.Batch, error] {
	return func(yield func(gomlxtrain.Batch, error) bool) {
		for batch, err := range d.Dataset.Iter() {
			if err == nil {
				err = d.moveLabels(&batch)
			}
			if !yield(batch, err) {
				return
			}
		}
	}
}

func (d labelsAsInput) moveLabels(batch *gomlxtrain.Batch) error {
	if len(batch.Inputs) != 1 || len(batch.Labels) != d.labels {
		return fmt.Errorf("dataset %q: want batches of 1 input (images) and %d label tensors, got %d and %d",
			d.Name(), d.labels, len(batch.Inputs), len(batch.Labels))
	}
	for _, l := range batch.Labels {
		// A copy: the trainer owns and frees inputs and labels separately.
		clone, err := l.Clone()
		if err != nil {
			return err
		}
		batch.Inputs = append(batch.Inputs, clone)
	}
	return nil
}
