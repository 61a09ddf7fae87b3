package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// PluginPathEnv names the ':'-separated list of folders searched first for PJRT plugins (go-xla's variable).
const PluginPathEnv = "PJRT_PLUGIN_LIBRARY_PATH"

// ProjectPluginDir is the folder, at the root of a GoKD checkout, into which `make setup` installs XLA's CPU plugin
// (from the pinned xla-cpu-pjrt wheel of PyPI). FindPlugin looks for it in the working directory and its parents,
// and beside the running program.
const ProjectPluginDir = ".pjrt"

// PluginMissingError reports an XLA backend asked for while its PJRT plugin is not installed.
type PluginMissingError struct {
	Plugin   string   // Plugin name asked for: "cuda", "tpu", "cpu", ...
	Config   string   // The backend configuration asked for, e.g. "xla:cuda".
	Searched []string // Folders that were searched.
}

// Error names what to install and which variable to set.
func (e *PluginMissingError) Error() string {
	var install string
	switch {
	case strings.HasPrefix(e.Plugin, "cuda"):
		install = "install a CUDA PJRT plugin, e.g. the jax-cuda13-pjrt (or jax-cuda12-pjrt) Python package " +
			"with its NVIDIA libraries, which provides xla_cuda_plugin.so,"
	case e.Plugin == "tpu":
		install = "install the TPU PJRT plugin (libtpu, e.g. the libtpu Python package on a TPU VM)"
	case e.Plugin == "cpu":
		install = "run `make setup` in the GoKD repository (it installs XLA's CPU plugin, from the pinned " +
			"xla-cpu-pjrt wheel, into " + ProjectPluginDir + "/pjrt_c_api_cpu_plugin.so)"
	default:
		install = fmt.Sprintf("install the %q PJRT plugin (a file named pjrt_c_api_%s_plugin.so)", e.Plugin, e.Plugin)
	}
	return fmt.Sprintf("GOMLX_BACKEND=%q asks for the XLA PJRT plugin %q, which is not installed on this machine "+
		"(searched: %s). To use it, %s and set %s to the folder that holds it. GoKD never downloads plugins "+
		"(%s is set). To run on the CPU without any plugin, unset GOMLX_BACKEND or set GOMLX_BACKEND=go.",
		e.Config, e.Plugin, strings.Join(e.Searched, ", "), install, PluginPathEnv, "GOMLX_NO_AUTO_INSTALL")
}

// FindPlugin looks for an installed PJRT plugin by name ("cuda", "tpu", "cpu", ...) and returns its path, or "" if
// none is found, with the folders it searched. An absolute path is returned as is when the file exists.
//
// It searches, in order: the folders in $PJRT_PLUGIN_LIBRARY_PATH (':'-separated); the project's ProjectPluginDir
// in the working directory or one of its parents, or beside the running program; the jax_plugins folders of the
// Python installations on this machine, where jax-cuda12-pjrt / jax-cuda13-pjrt put xla_cuda_plugin.so; and
// go-xla's default folders (~/.local/lib/go-xla, /usr/local/lib/go-xla) and the system library folders (through
// go-xla, in binaries built with cgo).
func FindPlugin(name string) (path string, searched []string) {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err == nil {
			return name, []string{name}
		}
		return "", []string{name}
	}
	for _, dir := range pluginDirs() {
		searched = append(searched, dir)
		for _, file := range pluginFileNames(name) {
			candidate := filepath.Join(dir, file)
			if _, err := os.Stat(candidate); err == nil {
				return candidate, searched
			}
		}
	}
	// go-xla's own search also checks that the library loads (and, for CUDA, that a GPU is present).
	searched = append(searched, "go-xla default folders and system library folders")
	if p, found := systemPlugins()[name]; found {
		return p, searched
	}
	return "", searched
}

// pluginDirs lists the folders FindPlugin searches itself, before go-xla's defaults.
func pluginDirs() []string {
	var dirs []string
	for _, d := range strings.Split(os.Getenv(PluginPathEnv), ":") {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	dirs = append(dirs, projectPluginDirs()...)
	patterns := []string{
		"/usr/lib/python3*/site-packages/jax_plugins/*",
		"/usr/local/lib/python3*/site-packages/jax_plugins/*",
		"/usr/local/lib/python3*/dist-packages/jax_plugins/*",
		"/usr/lib/python3/dist-packages/jax_plugins/*",
	}
	if home, err := os.UserHomeDir(); err == nil {
		patterns = append(patterns, filepath.Join(home, ".local/lib/python3*/site-packages/jax_plugins/*"))
	}
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		patterns = append(patterns, filepath.Join(venv, "lib/python3*/site-packages/jax_plugins/*"))
	}
	for _, p := range patterns {
		matches, _ := filepath.Glob(p)
		dirs = append(dirs, matches...)
	}
	return slices.Compact(dirs)
}

// pluginFileNames are the file names a plugin called name may have: go-xla's conventions and jax's.
func pluginFileNames(name string) []string {
	names := []string{"pjrt_c_api_" + name + "_plugin.so", "pjrt-plugin-" + name + ".so", "pjrt_plugin_" + name + ".so"}
	if strings.HasPrefix(name, "cuda") {
		names = append(names, "xla_cuda_plugin.so")
	}
	return names
}

// projectPluginDirs returns the ProjectPluginDir folders that exist in the working directory and its parents, and
// beside the running program (and its parent, for binaries built into a checkout's bin folder).
func projectPluginDirs() []string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	var dirs []string
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			candidate := filepath.Join(dir, ProjectPluginDir)
			if info, err := os.Stat(candidate); err == nil && info.IsDir() {
				dirs = append(dirs, candidate)
				break
			}
			if parent := filepath.Dir(dir); parent == dir {
				break
			}
		}
	}
	return dirs
}
