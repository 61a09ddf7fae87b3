package kd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/gokd/gokd"

// listedPackage is what the layering test reads of `go list -json`.
type listedPackage struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// layer returns the first path element of a GoKD package below the module root ("kd", "datasets", ...).
func layer(importPath string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
	first, _, _ := strings.Cut(rest, "/")
	return first
}

// allowed lists, for each layer, the GoKD layers its packages may import (besides its own).
var allowed = map[string][]string{
	"backend":  {},
	"configs":  {},
	"datasets": {},
	"kd":       {"datasets", "backend", "configs"},
	"viz":      {"datasets"},
}

// forbiddenWithin lists, for packages inside the kd layer, the packages they must not depend on, even indirectly;
// forbiddenWhy says why.
var (
	forbiddenWithin = map[string][]string{
		module + "/kd/inference": {module + "/kd/train", module + "/kd/experiment"},
		module + "/kd/deploy":    {module + "/kd/train", module + "/kd/experiment"},
	}
	forbiddenWhy = map[string]string{
		module + "/kd/inference": "running a model must not link the trainer",
		module + "/kd/deploy":    "gokd segment's deployment runs models without linking the trainer",
	}
)

// The import graph keeps GoKD's layers: datasets imports nothing of GoKD; kd imports datasets and backend only
// (no kernelext anywhere in its dependencies), and within kd, inference and deployment do not depend on the
// trainer (forbiddenWithin); viz imports datasets only; kernelext is the only importer of GoNB.
// Test files count too: a test is documentation of how a layer is used.
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: cannot list the packages")
	}
	cmd := exec.Command("go", "list", "-deps=false", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	depsOf := map[string][]string{}
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		depsOf[p.ImportPath] = p.Deps
		from := layer(p.ImportPath)
		imports := append(append(append([]string{}, p.Imports...), p.TestImports...), p.XTestImports...)
		for _, imp := range imports {
			if strings.HasPrefix(imp, "github.com/janpfeifer/gonb") && from != "kernelext" {
				t.Errorf("%s imports %s: only kernelext may talk to GoNB", p.ImportPath, imp)
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to := layer(imp)
			rules, ruled := allowed[from]
			if !ruled || to == from {
				continue // kernelext and cmd sit on top and may import any layer.
			}
			ok := false
			for _, a := range rules {
				ok = ok || a == to
			}
			if !ok {
				t.Errorf("%s imports %s: %s may import only %v of GoKD", p.ImportPath, imp, from, rules)
			}
		}
		if from == "kd" {
			for _, dep := range p.Deps {
				if layer(dep) == "kernelext" && strings.HasPrefix(dep, module) {
					t.Errorf("%s depends on %s: kd must not reach the notebook layer", p.ImportPath, dep)
				}
			}
		}
	}
	for pkg, forbidden := range forbiddenWithin {
		deps, ok := depsOf[pkg]
		if !ok {
			t.Errorf("%s: not listed", pkg)
		}
		for _, dep := range deps {
			for _, f := range forbidden {
				if dep == f {
					t.Errorf("%s depends on %s: %s", pkg, dep, forbiddenWhy[pkg])
				}
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list listed %d packages, want all of GoKD's", seen)
	}
}
