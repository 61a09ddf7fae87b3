package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/gokd/gokd/configs"
)

// The committed configurations that code names (configs/README.md describes every one; configs.Names lists them).
const (
	// NotebookProtocol is the reproduction protocol at notebook 04's scale: Protocol.
	NotebookProtocol = "protocol_notebook"
	// SixSiteProtocol is the protocol at CPU scale on six phantom sites, whose models notebook 04 reloads.
	SixSiteProtocol = "protocol_cpu6"
	// Promise12Protocol is the real-data reproduction: PROMISE12's four inferred sites, 3-fold cross-validation.
	Promise12Protocol = "protocol_promise12"
)

// Named returns the committed configuration called name (a file of configs/ without ".json"), read over Default
// as ReadConfig reads a file. It does not validate the result (Config.Validate).
func Named(name string) (Config, error) {
	data, err := configs.Read(name)
	if err != nil {
		return Config{}, fmt.Errorf("experiment: %w", err)
	}
	return decodeConfig(bytes.NewReader(data), "configuration "+name, Default())
}

// LoadConfig reads the configuration that a front end's -config names, the same way in every front end: a JSON
// file read over Default (ReadConfig) or, when no such file exists and the value is a bare name (no folder, no
// ".json"), the committed configuration of that name (Named). A value that is neither is an error wrapping
// fs.ErrNotExist.
func LoadConfig(fileOrName string) (Config, error) {
	c, err := ReadConfig(fileOrName, Default())
	if !errors.Is(err, fs.ErrNotExist) || !isBareName(fileOrName) {
		return c, err
	}
	return Named(fileOrName)
}

// isBareName reports whether s names a committed configuration rather than a file.
func isBareName(s string) bool {
	return s != "" && !strings.ContainsRune(s, os.PathSeparator) && !strings.ContainsRune(s, '/') && !strings.HasSuffix(s, ".json")
}

// mustNamed is Named for the configurations this package names itself; they are embedded and tested, so an error
// is a broken build.
func mustNamed(name string) Config {
	c, err := Named(name)
	if err != nil {
		panic(err)
	}
	return c
}
