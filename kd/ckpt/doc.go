// Package ckpt saves and restores the variables of a GoMLX model — weights, and optimizer state when present — as
// one checkpoint file per directory, atomically and checked against the model's architecture.
//
// GoMLX's own ml/model/checkpoint writes its data and JSON files in place (a crash mid-save leaves a truncated
// checkpoint) and loads lazily, so a variable of the wrong shape or name surfaces late, if at all. This package
// writes a new checkpoint under a temporary name in the same directory, syncs it and renames it into place, so a
// failed or interrupted save leaves the previous checkpoint intact; and it compares every variable before
// changing any, reporting each missing, extra or reshaped variable with both shapes.
//
// The file, [FileName], holds a magic line, the length of a JSON header (format version, per-variable path,
// dtype, dimensions, trainability, byte offset and CRC-32, and the [Metadata]), the header, then the raw bytes of
// every variable in host byte order. A copy of the metadata is also written, atomically, to [MetadataFileName]
// for people and notebooks to read; [Load] trusts only the one inside the checkpoint. [File] reads and writes the
// same format as one named file without that copy: a deployed model (package kd/deploy) is such a file.
//
// Typical use:
//
//	err := ckpt.Dir(runDir).Metadata(ckpt.Metadata{Step: step, Metrics: ckpt.Metrics{"dice": dice}}).Save(store)
//	…
//	meta, err := ckpt.Dir(runDir).Load(store) // Store built by the same architecture: checked, then restored.
package ckpt
