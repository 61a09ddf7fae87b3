package kernelext

import (
	"fmt"
	"os"
)

// Must stops the cell with the error's message (exit status 1, which fails a headless run) when err is not nil:
// notebooks read better without `if err != nil` after every call, and a message beats a panic's stack trace.
func Must(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "GoKD: %v\n", err)
		os.Exit(1)
	}
}

// Must1 returns v, or stops the cell as Must does when err is not nil.
func Must1[T any](v T, err error) T {
	Must(err)
	return v
}
