package kernelext

import (
	"errors"
	"fmt"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/kd/experiment"
)

// Promise12CacheDir is the committed cache of the real-data protocol's models, relative to the repository.
var Promise12CacheDir = []string{"results", "promise12", "cache"}

// Promise12 reloads the real-data reproduction (the committed configuration experiment.Promise12Protocol:
// PROMISE12's four inferred sites, 3-fold cross-validation) on the team's shared folder from the committed models
// of results/promise12/cache. It trains nothing (the whole run takes hours on 2 CPU cores: `gokd experiment
// -config protocol_promise12 -cache results/promise12/cache` does it). Without the shared folder, or with a model
// missing from the cache, it prints why and returns nil: the notebook then shows nothing of the run.
func Promise12() *experiment.CrossValidation {
	config, ok := promise12Config()
	if !ok {
		return nil
	}
	cv, err := experiment.RunFolds(config, promise12Runner)
	if errors.Is(err, experiment.ErrNotCached) {
		fmt.Printf("The committed real-data run is incomplete, so it is not shown: %v\n", err)
		return nil
	}
	return Must1(cv, err)
}

// Promise12Fold is the runner of one fold of the real-data reproduction, reload-only (Promise12), for a cell that
// looks at that fold's models: their predictions, their speed. Without the shared folder it prints why and
// returns nil.
func Promise12Fold(fold int) *experiment.Runner {
	config, ok := promise12Config()
	if !ok {
		return nil
	}
	config.Data.Fold = fold
	return Must1(promise12Runner(config))
}

// promise12Config is the real-data reproduction's configuration on the shared folder; false, after saying so,
// when the folder is absent.
func promise12Config() (experiment.Config, bool) {
	dir, err := shared.Promise12(repoPath())
	if err != nil {
		fmt.Printf("Real data absent, so the real-data reproduction is skipped: %v\n", err)
		return experiment.Config{}, false
	}
	config := Must1(experiment.Named(experiment.Promise12Protocol))
	config.Data.Path = dir // Not part of the models' cache keys: the data's fingerprint is.
	return config, true
}

// promise12Runner opens one fold of the real-data reproduction on its committed cache, reload-only.
func promise12Runner(c experiment.Config) (*experiment.Runner, error) {
	r, err := notebookRunner(c, repoPath(Promise12CacheDir...))
	if err != nil {
		return nil, err
	}
	r.ReloadOnly = true
	return r, nil
}
