package kernelext

import (
	"fmt"

	"github.com/gokd/gokd/backend"
	"github.com/gomlx/compute"
	"github.com/janpfeifer/gonb/gonbui"
)

// Setup is the one call at the top of a notebook: it creates the backend chosen by $GOMLX_BACKEND (the pure-Go
// backend by default; see package backend), shows the environment card inline (printed as text outside a
// notebook) and returns the backend.
//
// It never downloads anything: asking for an XLA plugin that is not installed returns an error that says what to
// install and which variable to set.
func Setup() (compute.Backend, error) {
	b, err := backend.FromEnv()
	if err != nil {
		return nil, err
	}
	info := Environment(b)
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(info.HTML())
	} else {
		fmt.Print(info.Text())
	}
	return b, nil
}

// MustSetup is Setup for notebook cells: on error it stops the cell with the message (see Must).
func MustSetup() compute.Backend { return Must1(Setup()) }

// MustBackend returns the backend chosen by $GOMLX_BACKEND without showing the card: for the cells after the
// one that called Setup (GoNB runs every cell as a new process). On error it stops the cell (see Must).
func MustBackend() compute.Backend { return Must1(backend.FromEnv()) }
