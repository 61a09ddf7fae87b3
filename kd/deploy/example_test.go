package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"

	gokdbackend "github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/datasets/volume"
	"github.com/gokd/gokd/kd/deploy"
	"github.com/gokd/gokd/kd/inference"
	"github.com/gokd/gokd/kd/nets"
)

// Export a network into a model file, load it back and segment a volume: the labels lie on the input's grid.
func Example() {
	dir, _ := os.MkdirTemp("", "deploy-example")
	defer func() { _ = os.RemoveAll(dir) }()
	backend, err := gokdbackend.New(gokdbackend.Go)
	if err != nil {
		panic(err)
	}
	// A trained network would come from experiment.Runner.Export (or `gokd export`); an untrained one will do here.
	net, err := inference.NewModel(backend, "student", nets.NewConfig().Levels(2).BaseWidth(4).Stem(2), 1)
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "student.gokd")
	err = deploy.Save(path, net, deploy.Description{Role: "student", Preprocessing: deploy.DefaultPreprocessing(32)})
	if err != nil {
		panic(err)
	}

	model, err := deploy.Load(backend, path)
	if err != nil {
		panic(err)
	}
	segmenter, err := deploy.NewSegmenter(backend, model).BatchSize(8).Done()
	if err != nil {
		panic(err)
	}
	image := &volume.Volume{Dims: []int{40, 30, 6}, Spacing: []float64{0.5, 0.5, 3}, Data: make([]float32, 40*30*6),
		Affine: [4][4]float64{{0, 0, 3, -9}, {-0.5, 0, 0, 10}, {0, -0.5, 0, 7}, {0, 0, 0, 1}}} // Axis 1 runs inferior: 30 axial slices.
	for i := range image.Data {
		image.Data[i] = float32(i % 97)
	}
	seg, err := segmenter.Segment(image)
	if err != nil {
		panic(err)
	}
	fmt.Println(model.Name, model.Parameters > 0, seg.Labels.Dims, seg.Labels.Affine == image.Affine, seg.Slices)
	if err := deploy.WriteLabels(seg.Labels, filepath.Join(dir, "case_seg.nii.gz"), false); err != nil {
		panic(err)
	}
	// Output: student true [40 30 6] true 30
}
