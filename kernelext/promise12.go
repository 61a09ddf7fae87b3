package kernelext

import (
	"fmt"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/kd/experiment"
)

// Promise12Config is the real-data protocol's configuration file, relative to the repository.
var Promise12Config = []string{"configs", "protocol_promise12.json"}

// Promise12CacheDir is the committed cache of the real-data protocol's models, relative to the repository.
var Promise12CacheDir = []string{"results", "promise12", "cache"}

// committedRun reads a committed configuration of configs/ over experiment.Default, as `gokd experiment -config`
// reads it, for a run cached in a committed folder of results/.
func committedRun(configFile []string) experiment.Config {
	return Must1(experiment.ReadConfig(repoPath(configFile...), experiment.Default()))
}

// Promise12 runs the real-data reproduction (configs/protocol_promise12.json: PROMISE12's four inferred sites,
// 3-fold cross-validation) on the team's shared folder, reloading the committed models of results/promise12/cache
// (a model whose entry is missing is trained: the whole run takes hours on 2 CPU cores). Without the shared folder
// it prints why and returns nil: the notebook then shows nothing of the run.
func Promise12() *experiment.CrossValidation {
	dir, err := shared.Promise12(repoPath())
	if err != nil {
		fmt.Printf("Real data absent, so the real-data reproduction is skipped: %v\n", err)
		return nil
	}
	config := committedRun(Promise12Config)
	config.Data.Path = dir // Not part of the models' cache keys: the data's fingerprint is.
	return Must1(experiment.RunFolds(config, func(c experiment.Config) (*experiment.Runner, error) {
		r, err := experiment.New(MustBackend(), c, repoPath(Promise12CacheDir...))
		if err != nil {
			return nil, err
		}
		r.Progress = TrainProgress
		return r, nil
	}))
}
