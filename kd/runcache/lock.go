package runcache

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Defaults of the per-key lock (Cache.WithLockTiming).
const (
	// DefaultHeartbeat is how often a builder touches its lock file.
	DefaultHeartbeat = 10 * time.Second
	// DefaultStaleAfter is how long a lock file may go untouched before another host takes it over: its holder's
	// host is taken to be gone. It is a multiple of DefaultHeartbeat, so that a busy file server's delays do not
	// make a live lock look stale.
	DefaultStaleAfter = 2 * time.Minute
	// lockPoll is how often a waiter looks again at an entry being built by another worker.
	lockPoll = 200 * time.Millisecond
)

// lockSuffix ends the name of an entry's lock file: <key>.lock beside the entry's folder.
const lockSuffix = ".lock"

// LockInfo is what a lock file holds: who builds the entry. Its Token tells two successive holders apart.
type LockInfo struct {
	Host    string
	PID     int
	Token   string
	Started time.Time
}

// ErrLockLost is the error of a build whose lock another worker took over (it judged the builder gone): the
// entry is not published by this builder.
var ErrLockLost = errors.New("runcache: the entry's lock was taken over by another worker")

// hostname is this machine's name, for lock files and build folders ("unknown" when it cannot be read).
var hostname = sync.OnceValue(func() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "unknown"
	}
	return name
})

// WithLockTiming sets how often a builder touches its lock file (heartbeat) and after how long without a touch
// a lock held from another host is taken over as stale (staleAfter); zero keeps the defaults. It returns c, for
// chaining after Open. A lock held by a process of this host that is gone is taken over at once.
func (c *Cache) WithLockTiming(heartbeat, staleAfter time.Duration) *Cache {
	if heartbeat > 0 {
		c.heartbeat = heartbeat
	}
	if staleAfter > 0 {
		c.staleAfter = staleAfter
	}
	return c
}

// lockPath is the lock file of the entry named key.
func (c *Cache) lockPath(key string) string { return filepath.Join(c.Dir, key+lockSuffix) }

// heldLock is a lock this process holds; release ends its heartbeat and removes its file.
type heldLock struct {
	path string
	info LockInfo
	stop chan struct{}
	done chan struct{}
	lost bool // Set by the heartbeat when the file no longer holds this lock's token.
	mu   sync.Mutex
}

// lockOrWait takes the lock of the entry named key, or waits until the entry is complete (done reports it), in
// which case it returns a nil lock. A lock whose holder is gone — a process of this host that no longer runs, or
// a file untouched for staleAfter — is taken over.
func (c *Cache) lockOrWait(key string, done func() bool) (*heldLock, error) {
	path := c.lockPath(key)
	for {
		if done() {
			return nil, nil
		}
		l, err := c.tryLock(path)
		if err != nil || l != nil {
			return l, err
		}
		tookOver, err := c.takeOverIfStale(path, key)
		if err != nil {
			return nil, err
		}
		if !tookOver {
			time.Sleep(lockPoll)
		}
	}
}

// tryLock creates the lock file exclusively; nil, nil when another worker holds it.
func (c *Cache) tryLock(path string) (*heldLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("runcache: creating the lock %q: %w", path, err)
	}
	info := LockInfo{Host: hostname(), PID: os.Getpid(), Token: newToken(), Started: time.Now().UTC()}
	blob, _ := json.Marshal(info) // Plain fields: cannot fail.
	_, err = f.Write(blob)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("runcache: writing the lock %q: %w", path, err)
	}
	l := &heldLock{path: path, info: info, stop: make(chan struct{}), done: make(chan struct{})}
	go l.beat(c.heartbeatOrDefault())
	return l, nil
}

// beat touches the lock file every interval until release, and marks the lock lost when its file holds another
// token (a worker took it over).
func (l *heldLock) beat(interval time.Duration) {
	defer close(l.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			if info, err := readLock(l.path); err != nil || info.Token != l.info.Token {
				l.mu.Lock()
				l.lost = true
				l.mu.Unlock()
				return
			}
			now := time.Now()
			_ = os.Chtimes(l.path, now, now)
		}
	}
}

// isLost reports whether another worker took the lock over.
func (l *heldLock) isLost() bool {
	if info, err := readLock(l.path); err != nil || info.Token != l.info.Token {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// release stops the heartbeat and removes the lock file if it is still this lock's.
func (l *heldLock) release() {
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
	if info, err := readLock(l.path); err == nil && info.Token == l.info.Token {
		_ = os.Remove(l.path)
	}
}

// takeOverIfStale removes the lock at path when its holder is gone, with the build folder that holder left. The
// lock file is first renamed to a name of this worker's own, so that of two workers judging the same lock stale
// only one removes it; a lock that turns out to be a fresh one (taken between the read and the rename) is put
// back. tookOver reports that the lock is free to take now.
func (c *Cache) takeOverIfStale(path, key string) (tookOver bool, err error) {
	info, readErr := readLock(path)
	stat, statErr := os.Stat(path)
	if errors.Is(statErr, fs.ErrNotExist) {
		return true, nil // Released meanwhile.
	}
	if statErr != nil {
		return false, fmt.Errorf("runcache: reading the lock %q: %w", path, statErr)
	}
	if !c.stale(info, readErr == nil, stat.ModTime()) {
		return false, nil
	}
	aside := path + ".stale-" + newToken()
	if err := os.Rename(path, aside); err != nil {
		return false, nil // Another worker took it over first, or it was released.
	}
	moved, readErr := readLock(aside)
	if readErr == nil && moved.Token != info.Token {
		_ = os.Link(aside, path) // A fresh lock: put it back (fails harmlessly if a newer one exists).
	} else if readErr == nil && moved.Host != "" {
		c.removeBuildsOf(key, moved.Host, moved.PID)
	}
	if err := os.Remove(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("runcache: removing the stale lock %q: %w", aside, err)
	}
	return true, nil
}

// stale reports whether a lock's holder is gone: a process of this host that no longer runs (one that runs is
// live, whatever its heartbeat), or a lock file of another host not touched for staleAfter (its host stopped,
// or cannot reach the file system). An unreadable lock file (its creator died before writing it) goes stale by
// age.
func (c *Cache) stale(info LockInfo, readable bool, modified time.Time) bool {
	if readable && info.Host == hostname() && info.PID > 0 {
		return processGone(info.PID)
	}
	return time.Since(modified) > c.staleAfterOrDefault()
}

// readLock decodes the lock file at path.
func readLock(path string) (LockInfo, error) {
	var info LockInfo
	blob, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(blob, &info); err != nil {
		return info, fmt.Errorf("runcache: decoding the lock %q: %w", path, err)
	}
	return info, nil
}

// Holder returns who holds the lock of the entry for (kind, config), and false when nobody does.
func (c *Cache) Holder(kind string, config any) (LockInfo, bool) {
	key, err := Key(kind, config)
	if err != nil {
		return LockInfo{}, false
	}
	info, err := readLock(c.lockPath(key))
	return info, err == nil
}

// newToken returns 16 random hex digits.
func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

func (c *Cache) heartbeatOrDefault() time.Duration {
	if c.heartbeat > 0 {
		return c.heartbeat
	}
	return DefaultHeartbeat
}

func (c *Cache) staleAfterOrDefault() time.Duration {
	if c.staleAfter > 0 {
		return c.staleAfter
	}
	return DefaultStaleAfter
}
