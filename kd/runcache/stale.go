package runcache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// buildPrefix starts the name of an entry's temporary build folder; buildPattern is the pattern of
// os.MkdirTemp for the entry named key: the builder's process id between the key and the random suffix, so that
// a folder left by a process that died (an interrupted `gokd export`) can be told from one still being built.
const buildPrefix = ".building-"

// buildPattern returns the os.MkdirTemp pattern of the build folder of the entry named key.
func buildPattern(key string) string {
	return buildPrefix + key + "-" + strconv.Itoa(os.Getpid()) + "-"
}

// builderPID returns the process id in a build folder's name, or false for a name without one (older GoKD
// builds named them without it: they are left alone, their builder unknown).
func builderPID(name string) (int, bool) {
	if !strings.HasPrefix(name, buildPrefix) {
		return 0, false
	}
	parts := strings.Split(name, "-")
	if len(parts) < 3 {
		return 0, false
	}
	pid, err := strconv.Atoi(parts[len(parts)-2])
	return pid, err == nil && pid > 0 && pid <= maxPID
}

// maxPID is the largest process id (Linux's PID_MAX_LIMIT): an older build folder's hex key made of digits only
// is larger, and not taken for a process id.
const maxPID = 1 << 22

// processGone reports whether no process has the id pid (signal 0 probes without signalling; a process of
// another user answers, and counts as alive).
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	return errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}

// removeStaleBuilds removes the build folders in dir whose builder process is gone: what an interrupted or
// killed build left, which its own deferred clean-up never ran to remove.
func removeStaleBuilds(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("runcache: listing %q: %w", dir, err)
	}
	for _, e := range entries {
		if pid, ok := builderPID(e.Name()); ok && e.IsDir() && processGone(pid) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("runcache: removing the stale build folder %q: %w", e.Name(), err)
			}
		}
	}
	return nil
}
