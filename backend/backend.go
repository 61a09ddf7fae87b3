package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // The fallback backend, pure Go.
)

// EnvBackend is the environment variable that selects the backend, as in GoMLX: "go" (default), "xla:cuda",
// "xla:tpu", "xla:cpu", optionally with XLA options after commas ("xla:cuda,preallocate=false").
const EnvBackend = compute.ConfigEnvVar

// Go is GoMLX's pure-Go backend: it needs nothing installed and is the fallback on every machine.
const Go = "go"

// XLACPU is XLA's CPU compiler through a PJRT plugin: several times faster than Go on the CPU, used by default when
// its plugin is installed (`make setup` installs it into the repository's .pjrt folder; see FindPlugin).
const XLACPU = "xla:cpu"

// Default is the backend New and Resolve use for an empty configuration. The backend in force when $GOMLX_BACKEND
// is unset is Choose's, which prefers XLACPU when its plugin is installed.
const Default = Go

// xlaNames are the names under which go-xla registers its backend.
var xlaNames = []string{"xla", "stablehlo", "shlo", "hlo"}

// Config returns the backend configuration in force (see Choose).
func Config() string {
	config, _ := Choose()
	return config
}

// Choose returns the backend configuration in force and why: $GOMLX_BACKEND when set; else XLACPU when this binary
// can load PJRT plugins (built with cgo) and the CPU plugin is installed; else Go.
func Choose() (config, why string) {
	if c := strings.TrimSpace(os.Getenv(EnvBackend)); c != "" {
		return c, "set by $" + EnvBackend
	}
	if !xlaLinked {
		return Go, "the default: this binary was built without cgo, so it cannot load XLA's plugins"
	}
	if path, _ := FindPlugin("cpu"); path != "" {
		return XLACPU, "the default when XLA's CPU plugin is installed (" + path + ")"
	}
	return Go, "the default: XLA's CPU plugin is not installed (`make setup` installs it), so the pure-Go backend runs"
}

// New creates the backend named by config (see EnvBackend for the format; "" means Default).
//
// For XLA it first checks that the PJRT plugin is installed (see Resolve) and returns a *PluginMissingError
// otherwise. Errors from the backend constructors, panics included, come back as errors.
func New(config string) (b compute.Backend, err error) {
	config, err = Resolve(config)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("creating backend %q: %v", config, r)
		}
	}()
	b, err = compute.NewWithConfig(config)
	if err != nil {
		return nil, fmt.Errorf("creating backend %q: %w", config, err)
	}
	return b, nil
}

// Resolve returns the configuration New passes to GoMLX for config: "" becomes Default, and an XLA plugin is named
// by the absolute path FindPlugin found, e.g. "xla:cuda" → "xla:/usr/…/jax_plugins/xla_cuda13/xla_cuda_plugin.so"
// (go-xla alone would not look in the project's folder or jax's). Set as $GOMLX_BACKEND, the result
// lets any GoMLX program (a test binary, say) that links go-xla use the plugin without GoKD's search.
//
// It returns a *PluginMissingError when the XLA plugin is not installed, and an error for an unknown backend.
func Resolve(config string) (string, error) {
	config = strings.TrimSpace(config)
	if config == "" {
		config = Default
	}
	name, options, _ := strings.Cut(config, ":")
	if isXLA(name) && !xlaLinked {
		return "", fmt.Errorf("backend %q needs XLA, but this binary was built without cgo (CGO_ENABLED=0) and can "+
			"only run the pure-Go backend: unset %s, or use a build with cgo", config, EnvBackend)
	}
	if !isRegistered(name) {
		return "", fmt.Errorf("backend %q (from %q) is not known: choose one of %q, e.g. %s=go or %s=xla:cuda",
			name, config, compute.List(), EnvBackend, EnvBackend)
	}
	if !isXLA(name) {
		return config, nil
	}
	plugin, _, _ := strings.Cut(options, ",")
	if plugin == "" {
		plugin = "cpu"
	}
	path, searched := FindPlugin(plugin)
	if path == "" {
		return "", &PluginMissingError{Plugin: plugin, Config: config, Searched: searched}
	}
	// go-xla only finds plugins by name in its own folders; an absolute path always works.
	config = name + ":" + path + strings.TrimPrefix(options, plugin)
	return config, nil
}

// FromEnv creates the backend in force (see Choose): $GOMLX_BACKEND, else XLA's CPU plugin when installed, else Go.
func FromEnv() (compute.Backend, error) { return New(Config()) }

func isRegistered(name string) bool {
	for _, n := range compute.List() {
		if n == name {
			return true
		}
	}
	return false
}

func isXLA(name string) bool {
	for _, n := range xlaNames {
		if n == name {
			return true
		}
	}
	return false
}
