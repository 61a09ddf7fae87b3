// Command gokd is GoKD's program for users: it runs the distillation experiment and, from a trained model, segments
// volumes on a plain CPU.
//
//	gokd experiment [-config cfg.json] [-cache DIR] [-parallel N] [-print-config]
//	gokd backend [-why]
//
// Each subcommand prints its own flags with -h. Developer tools live beside it: cmd/gokd-nb (notebooks),
// cmd/gokd-bench (speed against PyTorch) and cmd/gokd-devicecheck (accelerator machines).
package main
