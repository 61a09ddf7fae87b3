// Package backend chooses the GoMLX compute backend for GoKD: the pure-Go backend by default, or an XLA PJRT
// plugin (CUDA, TPU, CPU) that is already installed. It never downloads anything: XLA's auto-install is turned off
// before any backend is created, and a missing plugin is reported with what to install and which variable to set.
//
// It knows nothing of notebooks; package kernelext builds the notebook set-up on top of it.
package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // The default backend, pure Go.
	"github.com/gomlx/go-xla/compute/xla"
)

// EnvBackend is the environment variable that selects the backend, as in GoMLX: "go" (default), "xla:cuda",
// "xla:tpu", "xla:cpu", optionally with XLA options after commas ("xla:cuda,preallocate=false").
const EnvBackend = compute.ConfigEnvVar

// Default is the backend used when EnvBackend is unset: GoMLX's pure-Go backend, which needs nothing installed.
const Default = "go"

// xlaNames are the names under which go-xla registers its backend.
var xlaNames = []string{"xla", "stablehlo", "shlo", "hlo"}

func init() {
	// Keep go-xla from downloading plugins, whoever creates a backend later in this process.
	if _, found := os.LookupEnv(xla.NoAutoInstallEnv); !found {
		_ = os.Setenv(xla.NoAutoInstallEnv, "1")
	}
	xla.EnableAutoInstall(false)
}

// Config returns the backend configuration in force: $GOMLX_BACKEND, or Default when it is unset or empty.
func Config() string {
	if c := strings.TrimSpace(os.Getenv(EnvBackend)); c != "" {
		return c
	}
	return Default
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

// Resolve returns the configuration New passes to GoMLX for config: "" becomes Default, and an XLA plugin that
// go-xla would not find by its name (jax's xla_cuda_plugin.so, see FindPlugin) is named by its absolute path,
// e.g. "xla:cuda" → "xla:/usr/…/jax_plugins/xla_cuda13/xla_cuda_plugin.so". Set as $GOMLX_BACKEND, the result
// lets any GoMLX program (a test binary, say) that links go-xla use the plugin without GoKD's search.
//
// It returns a *PluginMissingError when the XLA plugin is not installed, and an error for an unknown backend.
func Resolve(config string) (string, error) {
	config = strings.TrimSpace(config)
	if config == "" {
		config = Default
	}
	name, options, _ := strings.Cut(config, ":")
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
	if !isStandardPluginPath(path, plugin) {
		// go-xla only recognises plugins by file name in its search path; an absolute path always works.
		rest := strings.TrimPrefix(options, plugin)
		config = name + ":" + path + rest
	}
	return config, nil
}

// FromEnv creates the backend selected by $GOMLX_BACKEND (Default when unset).
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
