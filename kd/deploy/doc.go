// Package deploy ships a trained network as one self-describing model file and segments volumes with it, on a
// plain CPU (the Go backend, no cgo) or on any GoMLX backend.
//
// A model file (conventionally "*.gokd") is a standalone [ckpt] checkpoint: the network's weights, and in its
// metadata a versioned [Description] — the architecture ([nets.Architecture]), the preprocessing the network was
// trained with ([Preprocessing]: canonical orientation, percentile clipping, normalisation, slice size, 2D/2.5D
// channels) and its provenance (training configuration hash, data, scores). Nothing has to be re-specified to use
// it: [Load] rebuilds the network from the file alone and refuses, with a [ckpt.ArchitectureError], weights that
// do not fit the stored architecture.
//
// [Segmenter] turns a volume into a label volume on the input's own grid (same dims, spacing and affine): the
// volume is prepared exactly as training prepared its cases (package datasets/prostate), run slice-wise in
// batches, and the labels resized back with nearest neighbour and reoriented to the input's axes. [WriteLabels]
// writes them atomically as NIfTI or MetaImage. The `gokd export`, `gokd info` and `gokd segment` commands are
// thin wrappers over this package.
//
//	m, err := deploy.Load(backend, "student.gokd")
//	s, err := deploy.NewSegmenter(backend, m).BatchSize(8).Done()
//	seg, err := s.Segment(image) // image from volume.ReadVolume
//	err = deploy.WriteLabels(seg.Labels, "case_seg.nii.gz", false)
package deploy
