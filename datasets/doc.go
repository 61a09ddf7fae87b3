// Package datasets brings medical images into GoKD: readers for NIfTI and MetaImage volumes, the multi-site
// prostate MRI loader, a synthetic multi-site phantom and the batching pipeline that feeds training.
//
// This root package holds the types shared by its sub-packages: a [Sample] is one 2D axial slice, ready to train on.
// It knows nothing of notebooks or of models.
package datasets
