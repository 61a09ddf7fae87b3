// Command gokd is GoKD's program for users: it runs the distillation experiment and, from a trained model, segments
// volumes on a plain CPU.
//
//	gokd experiment [-config cfg.json] [-fold N] [-data DIR] [-cache DIR] [-parallel N] [-print-config]
//	                [-plan [-json] | -task ID]
//	gokd slurm -config cfg.json -cache /shared/dir [-fold N] [-data DIR] [-submit] [-partition P] [-account A] [-time T]
//	gokd export -model student_single_kd-s1 -out student.gokd [-config cfg.json [-fold N] [-data DIR]] [-cache DIR] [-force]
//	gokd info [-json] student.gokd
//	gokd segment -model student.gokd -in case.nii.gz [-in …|folder] [-out case_seg.nii.gz|folder]
//	             [-frame N] [-json] [-workers N] [-batch N] [-force] [-backend go]
//	gokd backend [-why]
//
// Built with CGO_ENABLED=0 it is one static binary that runs on the pure-Go backend: `gokd segment` then needs
// nothing but the model file (package kd/deploy). Its exit codes: 2 usage (an output that is an input
// included), 3 missing or unreadable file, 4 unsupported or corrupt input (too many NaN voxels, degenerate
// geometry, a configuration that cannot run), 5 not a GoKD model, a damaged one or another architecture,
// 6 output exists without -force, 7 a 4D input without -frame, 1 anything else. README's Deploy section states
// the rules for overwriting, folders, non-finite voxels and resources.
//
// Each subcommand prints its own flags with -h. Developer tools live beside it: cmd/gokd-nb (notebooks),
// cmd/gokd-bench (speed against PyTorch) and cmd/gokd-devicecheck (accelerator machines).
package main
