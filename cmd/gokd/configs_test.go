package main

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gokd/gokd/kd/experiment"
)

// TestCommittedConfigs checks that every committed configuration (configs/*.json) reads without unknown fields
// and validates, and that protocol_notebook.json is exactly experiment.Protocol, the configuration notebook 04 runs.
func TestCommittedConfigs(t *testing.T) {
	paths, err := filepath.Glob("../../configs/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no committed configurations (%v)", err)
	}
	for _, path := range paths {
		config, err := experiment.ReadConfig(path, experiment.Default()) // Strictly, as `gokd experiment -config`.
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if err := config.Validate(); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if filepath.Base(path) == "protocol_notebook.json" && !reflect.DeepEqual(config, experiment.Protocol()) {
			t.Errorf("%s differs from experiment.Protocol(): regenerate it with `gokd experiment -protocol -print-config`", path)
		}
	}
}
