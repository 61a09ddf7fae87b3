package main

import (
	_ "embed"
	"fmt"
	"os"
)

// The reference implementations, each a child process speaking the bench's JSON-lines protocol.
var (
	//go:embed reference.py
	torchScript []byte
	//go:embed reference_jax.py
	jaxScript []byte
)

// startReference writes script to a temporary file and starts it with python as a contender named name.
func startReference(name string, script []byte, python string) (*contender, error) {
	file, err := os.CreateTemp("", "gokd-bench-"+name+"-*.py")
	if err != nil {
		return nil, fmt.Errorf("writing the %s reference script: %w", name, err)
	}
	if _, err := file.Write(script); err != nil {
		_ = file.Close()
		return nil, fmt.Errorf("writing %s: %w", file.Name(), err)
	}
	if err := file.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", file.Name(), err)
	}
	return startContender(name, []string{python, file.Name()}, func() { _ = os.Remove(file.Name()) })
}
