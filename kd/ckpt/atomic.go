package ckpt

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// filePerm is the mode of written files; os.CreateTemp creates them private (0600).
const filePerm = 0o644

// writeAtomically creates path with the contents produced by write, or leaves whatever was at path untouched.
//
// The contents go to a temporary file in the same directory (rename is atomic only within one file system), which
// is synced before being renamed over path; the directory is synced after, so the rename itself survives a crash.
// On error the temporary file is removed. intercept, when not nil, wraps the file's writer: tests use it to inject
// write failures.
func writeAtomically(path string, write func(io.Writer) error, intercept func(io.Writer) io.Writer) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("ckpt: creating a temporary file for %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close() // Already failed: the first error is the one to report.
			_ = os.Remove(tmp.Name())
		}
	}()

	var w io.Writer = tmp
	if intercept != nil {
		w = intercept(w)
	}
	buffered := bufio.NewWriterSize(w, 1<<20)
	if err = write(buffered); err != nil {
		return fmt.Errorf("ckpt: writing %s: %w", path, err)
	}
	if err = buffered.Flush(); err != nil {
		return fmt.Errorf("ckpt: writing %s: %w", path, err)
	}
	if err = tmp.Chmod(filePerm); err != nil {
		return fmt.Errorf("ckpt: setting permissions of %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("ckpt: syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("ckpt: closing %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("ckpt: moving %s into place: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ckpt: opening directory %s to sync it: %w", dir, err)
	}
	defer func() { _ = d.Close() }() // Read-only handle: nothing to lose on close.
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ckpt: syncing directory %s: %w", dir, err)
	}
	return nil
}
