package experiment

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gokd/gokd/configs"
)

// TestNamedConfigs checks every committed configuration: it reads strictly over Default (no unknown field) and
// validates, and -config gives the same configuration by name as by file.
func TestNamedConfigs(t *testing.T) {
	names := configs.Names()
	for _, want := range []string{NotebookProtocol, SixSiteProtocol, Promise12Protocol} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("committed configuration %s is missing from %v", want, names)
		}
	}
	for _, name := range names {
		named, err := Named(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := named.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		byName, err := LoadConfig(name)
		if err != nil || !reflect.DeepEqual(byName, named) {
			t.Errorf("LoadConfig(%q) = %v, differs from Named", name, err)
		}
		byFile, err := LoadConfig(filepath.Join("..", "..", "configs", name+".json"))
		if err != nil || !reflect.DeepEqual(byFile, named) {
			t.Errorf("LoadConfig of %s's file = %v, differs from Named", name, err)
		}
	}
	if p := Protocol(); p.Data.CasesPerSite != 12 || len(p.Seeds) != 10 || p.Train.StudentSteps != 1000 {
		t.Errorf("Protocol() is not the notebook protocol: %+v", p)
	}
}

// TestLoadConfigMissing checks the errors of a -config that names nothing: an unknown name lists the committed
// ones; a missing file is the file's error; both wrap fs.ErrNotExist. A file in the working directory wins over a
// committed configuration of the same name.
func TestLoadConfigMissing(t *testing.T) {
	_, err := LoadConfig("protocol_promise13")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), Promise12Protocol) {
		t.Errorf("unknown name: %v, want fs.ErrNotExist listing %s", err, Promise12Protocol)
	}
	_, err = LoadConfig(filepath.Join(t.TempDir(), "protocol_notebook.json"))
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), SixSiteProtocol) {
		t.Errorf("missing file: %v, want the file's own not-exist error", err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(NotebookProtocol, []byte(`{"Seeds": [7]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadConfig(NotebookProtocol); err != nil || !reflect.DeepEqual(c.Seeds, []int64{7}) {
		t.Errorf("a file named like a committed configuration: %v, seeds %v; want the file's", err, c.Seeds)
	}
}
