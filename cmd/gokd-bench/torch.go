package main

import (
	_ "embed"
	"fmt"
	"os"
)

//go:embed reference.py
var referenceScript []byte

// startTorch starts reference.py with python as a contender named "pytorch".
func startTorch(python string) (*contender, error) {
	script, err := os.CreateTemp("", "gokd-bench-reference-*.py")
	if err != nil {
		return nil, fmt.Errorf("writing the reference script: %w", err)
	}
	if _, err := script.Write(referenceScript); err != nil {
		_ = script.Close()
		return nil, fmt.Errorf("writing %s: %w", script.Name(), err)
	}
	if err := script.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", script.Name(), err)
	}
	return startContender("pytorch", []string{python, script.Name()}, func() { _ = os.Remove(script.Name()) })
}
