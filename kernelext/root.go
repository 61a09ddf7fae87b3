package kernelext

import (
	"os"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui/protocol"
	"golang.org/x/mod/modfile"
)

// EnvRoot names the environment variable that tells a notebook outside the repository where GoKD's checkout is:
// `make lab` and the GoNB kernel spec written by scripts/setup.sh export it. A notebook inside the checkout finds
// the checkout itself (see Root).
const EnvRoot = "GOKD_ROOT"

// ModulePath is GoKD's module path, which Root looks for in the go.mod files above a notebook.
const ModulePath = "github.com/gokd/gokd"

// Root returns the GoKD checkout a notebook uses: the nearest folder above the notebook's ($GONB_DIR) whose go.mod
// declares ModulePath, from any depth below the checkout; else $GOKD_ROOT (a notebook outside the checkout); else
// the same search from the working directory. It returns "" when none applies.
func Root() string {
	if d := os.Getenv(protocol.GONB_DIR_ENV); d != "" {
		if root := moduleRootAbove(d); root != "" {
			return root
		}
	}
	if d := os.Getenv(EnvRoot); d != "" {
		return d
	}
	return moduleRootAbove(".")
}

// moduleRootAbove returns the nearest folder at or above dir whose go.mod declares ModulePath, or "".
func moduleRootAbove(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if blob, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(blob) == ModulePath {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// repoPath joins elements to the repository's root (Root), else to the working directory.
func repoPath(elem ...string) string {
	if root := Root(); root != "" {
		return filepath.Join(append([]string{root}, elem...)...)
	}
	return filepath.Join(elem...)
}
