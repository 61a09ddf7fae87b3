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
// os.MkdirTemp for the entry named key: the builder's process id and host between the key and the random suffix,
// so that a folder left by a process that died (an interrupted `gokd export`) can be told from one still being
// built, also in a cache shared by several machines.
const buildPrefix = ".building-"

// buildPattern returns the os.MkdirTemp pattern of the build folder of the entry named key.
func buildPattern(key string) string { return buildPatternOf(key, hostname(), os.Getpid()) }

// buildPatternOf is buildPattern for the process pid of host.
func buildPatternOf(key, host string, pid int) string {
	return buildPrefix + key + "-" + strconv.Itoa(pid) + "@" + host + "-"
}

// builderPID returns the process id and host in a build folder's name, or false for a name without a process id
// (older GoKD builds named them without it: they are left alone, their builder unknown). Names from before the
// host was added have none: their host is "".
func builderPID(name string) (pid int, host string, ok bool) {
	rest, found := strings.CutPrefix(name, buildPrefix)
	if !found {
		return 0, "", false
	}
	if i := strings.LastIndex(rest, "-"); i >= 0 {
		rest = rest[:i] // The random suffix.
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest, host = rest[:at], rest[at+1:]
	}
	i := strings.LastIndex(rest, "-")
	if i < 0 {
		return 0, "", false
	}
	pid, err := strconv.Atoi(rest[i+1:])
	return pid, host, err == nil && pid > 0 && pid <= maxPID
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

// removeStaleBuilds removes the build folders in dir whose builder process, on this host, is gone: what an
// interrupted or killed build left, which its own deferred clean-up never ran to remove. Another host's folders
// are left to whoever takes over that builder's lock (Cache.takeOverIfStale).
func removeStaleBuilds(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("runcache: listing %q: %w", dir, err)
	}
	for _, e := range entries {
		pid, host, ok := builderPID(e.Name())
		if ok && e.IsDir() && (host == "" || host == hostname()) && processGone(pid) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("runcache: removing the stale build folder %q: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// removeBuildsOf removes the build folders of the entry named key that the process pid of host left: a stale
// lock's holder's, once its lock is taken over.
func (c *Cache) removeBuildsOf(key, host string, pid int) {
	matches, _ := filepath.Glob(filepath.Join(c.Dir, buildPatternOf(key, host, pid)+"*"))
	for _, m := range matches {
		_ = os.RemoveAll(m)
	}
}
