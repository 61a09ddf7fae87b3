package main

import (
	"errors"
	"fmt"
	"io/fs"
)

// Exit codes of gokd's commands: scripts can tell a bad input from a bad model or an output in the way.
const (
	exitOK      = 0
	exitFailure = 1 // Anything else: a failed computation, an unwritable output folder.
	exitUsage   = 2 // Bad flags or arguments.
	exitMissing = 3 // An input or model file that is missing or unreadable, or an output's missing folder.
	exitFormat  = 4 // An unsupported or corrupt input (volume, output name, configuration), a degenerate grid, too many NaN voxels.
	exitModel   = 5 // Not a GoKD model file (a training checkpoint, another file), or weights of another architecture.
	exitExists  = 6 // The output exists and -force was not given.
	exitFrame   = 7 // A 4D input without -frame (or a frame it does not have).
)

// errReported is wrapped by a command's error when its message was already printed (gokd segment prints each
// volume's error as it happens): the command only exits with its code.
var errReported = errors.New("already reported")

// exitError is an error with the exit code it calls for.
type exitError struct {
	code int
	err  error
}

// Error implements error.
func (e *exitError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *exitError) Unwrap() error { return e.err }

// fail returns err carrying exit code code (nil for a nil err).
func fail(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// failf is fail with a formatted error.
func failf(code int, format string, args ...any) error {
	return fail(code, fmt.Errorf(format, args...))
}

// exitCode returns the exit code an error calls for: its own when it carries one, else exitFailure.
func exitCode(err error) int {
	var e *exitError
	if err == nil {
		return exitOK
	}
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}

// isFileSystemError reports whether err is the file system's: a missing or unreadable file.
func isFileSystemError(err error) bool {
	var pathErr *fs.PathError
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.As(err, &pathErr) &&
		!errors.Is(err, fs.ErrInvalid)
}
