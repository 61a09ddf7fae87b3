package kernelext

import (
	"fmt"
	"os"

	"github.com/gokd/gokd/backend"
	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/kd/train"
)

// TrainProgress returns a live progress display for one training run, in the form experiment.Runner.Progress
// asks for: an update function for the trainer and a finish function that leaves the final curves in place.
func TrainProgress(name string) (update func(train.Progress), finish func()) {
	p := NewProgress(name)
	return func(tp train.Progress) { p.Update(tp.Step, tp.Steps, tp.Metrics) },
		func() {
			if err := p.Finish(); err != nil {
				fmt.Printf("progress of %s: %v\n", name, err)
			}
		}
}

// Flagship is the flagship experiment with its embedded defaults (experiment.Default) as NewExperiment sets it up:
// notebooks 02–04 share its trained models through the cache.
func Flagship() *experiment.Runner { return NewExperiment(experiment.Default()) }

// Reproduction is the reproduction protocol at notebook scale (experiment.Protocol) as NewExperiment sets it up,
// but cached in ReproductionCacheDir: notebook 04 reloads the committed run of the protocol from there (models
// whose entry is missing or stale are trained, which takes about half an hour on 2 CPU cores).
func Reproduction() *experiment.Runner {
	return Must1(notebookRunner(experiment.Protocol(), ReproductionCacheDir()))
}

// SixSiteReproduction is the protocol at CPU scale, configs/protocol_cpu6.json (six phantom sites, the teachers'
// outputs precomputed), read from the repository as `gokd experiment -config` reads it and cached in the
// repository's committed results/protocol-cpu6: notebook 04 reloads that run (a model whose entry is missing or
// stale is trained; the whole run takes about an hour on 2 CPU cores).
func SixSiteReproduction() *experiment.Runner {
	config := Must1(experiment.Named(experiment.SixSiteProtocol))
	return Must1(notebookRunner(config, repoPath("results", "protocol-cpu6")))
}

// NewExperiment returns the experiment runner of a notebook: config on the chosen backend (MustBackend), trained
// models cached in CacheDir (so later cells and notebooks reload them), live progress for each model trained and
// one line for each model reloaded from the cache. It stops the cell on an invalid configuration.
func NewExperiment(config experiment.Config) *experiment.Runner {
	return Must1(notebookRunner(config, CacheDir()))
}

// notebookRunner returns a runner of config on the chosen backend, cached in cacheDir, as notebooks use it: live
// progress for each model trained, and a line in the cell's output for each model, trained or reloaded from the
// cache ("reloaded from cache (trained for …, key …)"), so that a reused model is never silent.
func notebookRunner(config experiment.Config, cacheDir string) (*experiment.Runner, error) {
	if err := config.Validate(); err != nil { // Before the backend starts: an invalid field costs nothing.
		return nil, err
	}
	backend, err := backend.FromEnv()
	if err != nil {
		return nil, err
	}
	r, err := experiment.New(backend, config, cacheDir)
	if err != nil {
		return nil, err
	}
	r.Progress, r.Log = TrainProgress, os.Stdout
	return r, nil
}
