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

// TestDataFlagReplacesRealData checks -data: a configuration on real data (the shared case, a pair) runs on the
// multi-site folder instead; a phantom configuration refuses it rather than ignoring it.
func TestDataFlagReplacesRealData(t *testing.T) {
	fold, data := -1, "/data/MultiSitePROSTATE"
	over := overrides{fold: &fold, data: &data}
	config, err := experiment.ReadConfig("../../configs/real_case_smoke.json", experiment.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := over.apply(&config); err != nil {
		t.Fatal(err)
	}
	if d := config.Data; d.Source != "folder" || d.Path != data || d.MaskPath != "" {
		t.Errorf("-data on the real-case configuration gives %+v, want Source folder at %s", d, data)
	}
	phantom := experiment.Default()
	if err := over.apply(&phantom); err == nil {
		t.Errorf("-data on a phantom configuration accepted: %+v", phantom.Data)
	}
}
