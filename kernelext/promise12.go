package kernelext

import (
	"errors"
	"fmt"

	"github.com/gokd/gokd/datasets/shared"
	"github.com/gokd/gokd/kd/experiment"
)

// Promise12CacheDir is the committed cache of the real-data protocol's models, relative to the repository.
var Promise12CacheDir = []string{"results", "promise12", "cache"}

// Promise12 reloads the real-data reproduction (configs/protocol_promise12.json: PROMISE12's four inferred sites,
// 3-fold cross-validation) on the team's shared folder from the committed models of results/promise12/cache. It
// trains nothing (the whole run takes hours on 2 CPU cores: `gokd experiment -config configs/protocol_promise12.json
// -cache results/promise12/cache` does it). Without the shared folder, or with a model missing from the cache, it
// prints why and returns nil: the notebook then shows nothing of the run.
func Promise12() *experiment.CrossValidation {
	dir, err := shared.Promise12(repoPath())
	if err != nil {
		fmt.Printf("Real data absent, so the real-data reproduction is skipped: %v\n", err)
		return nil
	}
	config := Must1(experiment.Named(experiment.Promise12Protocol))
	config.Data.Path = dir // Not part of the models' cache keys: the data's fingerprint is.
	cv, err := experiment.RunFolds(config, func(c experiment.Config) (*experiment.Runner, error) {
		r, err := notebookRunner(c, repoPath(Promise12CacheDir...))
		if err != nil {
			return nil, err
		}
		r.ReloadOnly = true
		return r, nil
	})
	if errors.Is(err, experiment.ErrNotCached) {
		fmt.Printf("The committed real-data run is incomplete, so it is not shown: %v\n", err)
		return nil
	}
	return Must1(cv, err)
}
