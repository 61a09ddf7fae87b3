package main

import (
	"testing"

	"github.com/gokd/gokd/kd/experiment"
)

// TestConfigByName checks that -config takes a committed configuration by name from any folder, as its file from
// the repository, and that -protocol, short for -config protocol_notebook, is refused beside -config.
func TestConfigByName(t *testing.T) {
	_, byFile, _ := run("experiment", "-print-config", "-config", "../../configs/protocol_promise12.json")
	t.Chdir(t.TempDir())
	code, byName, stderr := run("experiment", "-print-config", "-config", experiment.Promise12Protocol)
	if code != 0 || byName != byFile || byName == "" {
		t.Errorf("-config %s from another folder: exit %d, %q; its file printed %q", experiment.Promise12Protocol, code, stderr, byFile)
	}
	_, protocol, _ := run("experiment", "-print-config", "-protocol")
	if _, named, _ := run("experiment", "-print-config", "-config", experiment.NotebookProtocol); protocol != named || named == "" {
		t.Errorf("-protocol prints %q, -config %s %q", protocol, experiment.NotebookProtocol, named)
	}
	if code, _, stderr := run("experiment", "-print-config", "-protocol", "-config", experiment.SixSiteProtocol); code != exitUsage {
		t.Errorf("-protocol with -config: exit %d, %q; want %d", code, stderr, exitUsage)
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
