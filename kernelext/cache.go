package kernelext

import (
	"os"
	"path/filepath"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// EnvCacheDir names the environment variable that overrides where trained models are cached (see CacheDir).
const EnvCacheDir = "GOKD_CACHE"

// CacheDir is where notebooks keep trained models and results across cells (GoNB runs every cell as a fresh
// process): $GOKD_CACHE when set, else ".gokd-cache" in the notebook's folder ($GONB_DIR, set by GoNB), else
// ".gokd-cache" in the working directory.
func CacheDir() string {
	if d := os.Getenv(EnvCacheDir); d != "" {
		return d
	}
	if d := os.Getenv(protocol.GONB_DIR_ENV); d != "" {
		return filepath.Join(d, ".gokd-cache")
	}
	return ".gokd-cache"
}

// EnvReproductionCache names the environment variable that overrides where the reproduction protocol's models
// are cached (see ReproductionCacheDir).
const EnvReproductionCache = "GOKD_PROTOCOL_CACHE"

// ReproductionCacheDir is the cache of the reproduction protocol (kernelext.Reproduction): $GOKD_PROTOCOL_CACHE
// when set, else the committed results/protocol-notebook of the repository (found from the notebook's folder,
// $GONB_DIR, or the working directory) — written by `go run ./cmd/gokd experiment -protocol -cache
// results/protocol-notebook`.
func ReproductionCacheDir() string {
	if d := os.Getenv(EnvReproductionCache); d != "" {
		return d
	}
	return repoPath("results", "protocol-notebook")
}
