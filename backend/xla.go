//go:build cgo

package backend

import (
	"os"

	"github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
)

// xlaLinked reports whether this binary can load XLA's PJRT plugins: go-xla loads them with dlopen, through cgo.
const xlaLinked = true

func init() {
	// Keep go-xla from downloading plugins, whoever creates a backend later in this process.
	if _, found := os.LookupEnv(xla.NoAutoInstallEnv); !found {
		_ = os.Setenv(xla.NoAutoInstallEnv, "1")
	}
	xla.EnableAutoInstall(false)
}

// systemPlugins returns the plugins go-xla finds in its default and the system library folders, by name.
func systemPlugins() map[string]string { return pjrt.AvailablePlugins() }
