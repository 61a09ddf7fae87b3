// Package volume reads and writes medical image volumes — NIfTI-1/NIfTI-2 (.nii, .nii.gz, .hdr/.img) and
// MetaImage (.mha, .mhd) — into one in-memory [Volume] with a nibabel-compatible affine, and reorients volumes to
// a canonical voxel order ([Volume.Canonical]) so that axial slices display in the radiological convention.
//
// It knows nothing of training, notebooks or models.
package volume
