package kernelext

import (
	"io"
	"os"

	"github.com/janpfeifer/gonb/gonbui"
)

// EnvOutDir names the environment variable that sets where display calls write their files outside a notebook
// (see OutDir).
const EnvOutDir = "GOKD_OUT"

// OutDir is where display calls write images, charts and HTML when not running in a notebook: $GOKD_OUT when
// set, else "out" in the working directory.
func OutDir() string {
	if d := os.Getenv(EnvOutDir); d != "" {
		return d
	}
	return "out"
}

// frontEnd is where displays go: the notebook through GoNB, or (in tests) a recorder.
type frontEnd interface {
	IsNotebook() bool
	DisplayHTML(html string)
	DisplayPNG(png []byte)
	// UpdateHTML replaces the transient output block id (creating it on first use); "" erases it.
	UpdateHTML(id, html string)
}

type gonbFrontEnd struct{}

func (gonbFrontEnd) IsNotebook() bool { return gonbui.IsNotebook }

func (gonbFrontEnd) DisplayHTML(html string) { gonbui.DisplayHTML(html) }

func (gonbFrontEnd) DisplayPNG(png []byte) { gonbui.DisplayPng(png) }

func (gonbFrontEnd) UpdateHTML(id, html string) { gonbui.UpdateHTML(id, html) }

// Where displays and text go; variables so that tests can capture them.
var (
	front   frontEnd  = gonbFrontEnd{}
	textOut io.Writer = os.Stdout
)
