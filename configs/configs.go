// Package configs holds GoKD's committed experiment configurations, the JSON files of this folder, embedded so that
// every front end finds them by name from any folder (experiment.Named reads them; configs/README.md describes
// each). It holds bytes only: package kd/experiment owns their type and their defaults.
package configs

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed *.json
var files embed.FS

const ext = ".json"

// Names lists the committed configurations, sorted: each file's name without ".json".
func Names() []string {
	entries, _ := fs.ReadDir(files, ".") // The embedded root always reads.
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ext))
	}
	slices.Sort(names)
	return names
}

// Read returns the JSON of the committed configuration called name (for example "protocol_promise12"). A name
// that is not committed is an error wrapping fs.ErrNotExist that lists the names there are.
func Read(name string) ([]byte, error) {
	data, err := files.ReadFile(name + ext)
	if err != nil {
		return nil, fmt.Errorf("no committed configuration %q (there are: %s): %w", name, strings.Join(Names(), ", "), fs.ErrNotExist)
	}
	return data, nil
}
